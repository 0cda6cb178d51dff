import { mkdirSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import type DatabaseConstructor from "better-sqlite3"
import { isBusy, mapSqliteError } from "./errors.js"

// Loaded with require: importing the CommonJS driver as ESM makes Node lex its source first.
const Database = createRequire(import.meta.url)("better-sqlite3") as typeof DatabaseConstructor

type Db = DatabaseConstructor.Database
type Statement = DatabaseConstructor.Statement

/** How a SQLite file is opened. */
export interface ConnectionOptions {
  path: string
  durability: "normal" | "full"
  /** Total time a write may wait for the file lock before `UnavailableError`. */
  busyTimeoutMs: number
}

/**
 * One better-sqlite3 connection: WAL, foreign keys, cached prepared statements, and writes
 * in `BEGIN IMMEDIATE` transactions retried while another process holds the lock.
 */
export class Connection {
  readonly db: Db
  readonly #statements = new Map<string, Statement>()
  readonly #busyTimeoutMs: number
  readonly #immediate: (fn: () => unknown) => unknown
  readonly #deferred: (fn: () => unknown) => unknown

  constructor(options: ConnectionOptions) {
    const memory = options.path === ":memory:"
    if (!memory) mkdirSync(dirname(options.path), { recursive: true })
    this.#busyTimeoutMs = options.busyTimeoutMs
    this.db = retryOpen(
      () => new Database(options.path, { timeout: Math.min(5000, options.busyTimeoutMs) }),
    )
    retryOpen(() => {
      if (!memory && this.db.pragma("page_count", { simple: true }) === 0) {
        this.db.pragma("auto_vacuum = INCREMENTAL")
      }
      if (!memory) this.db.pragma("journal_mode = WAL")
      this.db.pragma(`synchronous = ${options.durability === "full" ? "FULL" : "NORMAL"}`)
      this.db.pragma("foreign_keys = ON")
    })
    const run = this.db.transaction((fn: () => unknown) => fn())
    this.#immediate = run.immediate
    this.#deferred = run.deferred
  }

  /** A cached prepared statement. */
  prepare(sql: string): Statement {
    let statement = this.#statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }

  /** Runs `fn` in one `BEGIN IMMEDIATE` transaction, retrying while the file is locked. */
  async write<T>(fn: () => T): Promise<T> {
    const deadline = Date.now() + this.#busyTimeoutMs
    for (let attempt = 0; ; attempt++) {
      try {
        return this.#immediate(fn) as T
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw mapSqliteError(error)
        await sleep(Math.min(2 ** attempt, 50) * (0.5 + Math.random()))
      }
    }
  }

  /** Runs `fn` in one read transaction so several statements see one snapshot. */
  async read<T>(fn: () => T): Promise<T> {
    try {
      return this.#deferred(fn) as T
    } catch (error) {
      throw mapSqliteError(error)
    }
  }

  close(): void {
    this.#statements.clear()
    if (this.db.open) this.db.close()
  }
}

function retryOpen<T>(fn: () => T): T {
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      return fn()
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw mapSqliteError(error)
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5 + Math.random() * 20)
    }
  }
}
