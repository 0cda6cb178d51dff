import type Database from "better-sqlite3"
import { afterAll, beforeAll } from "vitest"
import { Connection } from "../../src/backends/sqlite/connection.js"

/** One read statement the store ran: its SQL, its arguments and the handle it ran on. */
export interface SeenRead {
  sql: string
  args: unknown[]
  db: Database.Database
}

/** Wraps `statement` so its `all` and `get` calls are pushed to `seen` before they run. */
function recording(
  statement: Database.Statement,
  sql: string,
  db: Database.Database,
  seen: SeenRead[],
) {
  const record =
    (method: "all" | "get") =>
    (...args: unknown[]) => {
      seen.push({ sql, args, db })
      return (statement[method] as (...a: unknown[]) => unknown).apply(statement, args)
    }
  const wrapped = { all: record("all"), get: record("get") }
  return new Proxy(statement, {
    get: (target, key) =>
      key === "all" || key === "get"
        ? wrapped[key]
        : typeof Reflect.get(target, key) === "function"
          ? (Reflect.get(target, key) as (...a: unknown[]) => unknown).bind(target)
          : Reflect.get(target, key),
  })
}

/**
 * Captures, at the driver, every read statement SQLite connections run while the test file's
 * tests run (installed in `beforeAll`, removed in `afterAll`). Call at the top level of a file.
 */
export function recordReads(): SeenRead[] {
  const seen: SeenRead[] = []
  const prepare = Connection.prototype.prepare
  beforeAll(() => {
    Connection.prototype.prepare = function (this: Connection, sql: string) {
      return recording(prepare.call(this, sql), sql, this.db, seen)
    }
  })
  afterAll(() => {
    Connection.prototype.prepare = prepare
  })
  return seen
}

/**
 * Empties `seen`, awaits `run`, and returns the `EXPLAIN QUERY PLAN` details (joined by ` | `)
 * of each SELECT on `table` that `run` issued, in order.
 */
export async function selectPlans(
  seen: SeenRead[],
  table: string,
  run: () => Promise<unknown>,
): Promise<string[]> {
  seen.length = 0
  await run()
  return seen
    .filter(({ sql }) => /^\s*SELECT/i.test(sql) && new RegExp(`FROM ${table}\\b`).test(sql))
    .map(({ sql, args, db }) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
        .map((r) => r.detail)
        .join(" | "),
    )
}
