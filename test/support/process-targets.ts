import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import pg from "pg"
import { openStore } from "../../src/index.js"
import { adminQuery, freshSchema, PG_URL, pgAvailable } from "./postgres.js"

/**
 * A store that several processes open by URL, plus a side door the test reads it through
 * after the run (plain SQL, not the store's own code).
 */
export interface ProcessTarget {
  name: string
  /** The URL child processes pass to `openStore`. */
  url: string
  /** Rows of a query written with `?` placeholders and unqualified table names. */
  rows(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>
  /** SQLite's `PRAGMA integrity_check`; `"ok"` where the database has no such check. */
  integrity(): Promise<string>
  destroy(): Promise<void>
}

/** A fresh SQLite file in a temp directory, migrated. */
export async function sqliteTarget(label: string): Promise<ProcessTarget> {
  const dir = mkdtempSync(join(tmpdir(), `agentstore-${label}-`))
  const path = join(dir, "store.db")
  await (await openStore(`sqlite:${path}`)).close()
  const read = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(path, { readonly: true })
    try {
      return fn(db)
    } finally {
      db.close()
    }
  }
  return {
    name: "sqlite",
    url: `sqlite:${path}`,
    rows: async (sql, params = []) =>
      read((db) => db.prepare(sql).all(...params) as Record<string, unknown>[]),
    integrity: async () => read((db) => String(db.pragma("integrity_check", { simple: true }))),
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** A fresh schema of the PostgreSQL test server, migrated. */
export async function postgresProcessTarget(): Promise<ProcessTarget> {
  const schema = freshSchema()
  const url = new URL(PG_URL)
  url.searchParams.set("schema", schema)
  await (await openStore(url.toString())).close()
  return {
    name: "postgres",
    url: url.toString(),
    async rows(sql, params = []) {
      const client = new pg.Client({ connectionString: PG_URL })
      await client.connect()
      try {
        await client.query(`SET search_path TO "${schema}"`)
        let n = 0
        return (
          await client.query(
            sql.replace(/\?/g, () => `$${++n}`),
            params,
          )
        ).rows
      } finally {
        await client.end()
      }
    },
    integrity: async () => "ok",
    destroy: async () => {
      await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    },
  }
}

/** The targets the multi-process tests run on: SQLite, and PostgreSQL when reachable. */
export const processTargets: { name: string; open(label: string): Promise<ProcessTarget> }[] = [
  { name: "sqlite", open: sqliteTarget },
  ...(pgAvailable ? [{ name: "postgres", open: () => postgresProcessTarget() }] : []),
]
