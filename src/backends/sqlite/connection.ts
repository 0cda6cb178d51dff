import { mkdirSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import type DatabaseConstructor from "better-sqlite3"
import { StoreClosedError } from "../../core/errors.js"
import { isBusy, mapSqliteError } from "./errors.js"
import { WalGuard } from "./wal.js"

// Loaded with require: importing the CommonJS driver as ESM makes Node lex its source first.
const Database = createRequire(import.meta.url)("better-sqlite3") as typeof DatabaseConstructor

type Db = DatabaseConstructor.Database
type Statement = DatabaseConstructor.Statement

/** How a SQLite file is opened. */
export interface ConnectionOptions {
  path: string
  durability: "normal" | "full"
  /** Total time a call may wait for the file lock before `UnavailableError`. */
  busyTimeoutMs: number
}

/** The longest pause between two tries at a locked file, in ms. */
const MAX_BACKOFF_MS = 20

/**
 * One better-sqlite3 connection: WAL, foreign keys, cached prepared statements. The driver's
 * busy timeout is 0, so a locked file fails at once instead of blocking the thread; every call
 * retries it after an asynchronous pause until `busyTimeoutMs` is spent, and the event loop
 * keeps running meanwhile.
 */
export class Connection {
  readonly db: Db
  readonly #statements = new Map<string, Statement>()
  readonly #busyTimeoutMs: number
  readonly #immediate: (fn: () => unknown) => unknown
  readonly #deferred: (fn: () => unknown) => unknown
  #closed = false
  #wal: WalGuard | undefined

  private constructor(db: Db, busyTimeoutMs: number) {
    this.db = db
    this.#busyTimeoutMs = busyTimeoutMs
    const run = this.db.transaction((fn: () => unknown) => fn())
    this.#immediate = run.immediate
    this.#deferred = run.deferred
  }

  /** Opens `options.path` and sets its pragmas, waiting asynchronously while it is locked. */
  static async open(options: ConnectionOptions): Promise<Connection> {
    const memory = options.path === ":memory:"
    if (!memory) mkdirSync(dirname(options.path), { recursive: true })
    let db: Db
    try {
      db = new Database(options.path, { timeout: 0 })
    } catch (error) {
      throw mapSqliteError(error)
    }
    const conn = new Connection(db, options.busyTimeoutMs)
    try {
      await conn.#retry(() => {
        if (!memory && db.pragma("page_count", { simple: true }) === 0) {
          db.pragma("auto_vacuum = INCREMENTAL")
        }
        if (!memory) db.pragma("journal_mode = WAL")
        db.pragma(`synchronous = ${options.durability === "full" ? "FULL" : "NORMAL"}`)
        db.pragma("foreign_keys = ON")
        if (!memory) conn.#wal ??= new WalGuard(db, options.path)
      })
    } catch (error) {
      conn.close()
      throw error
    }
    return conn
  }

  /** True once `close()` ran (or the driver handle was closed). */
  get closed(): boolean {
    return this.#closed || !this.db.open
  }

  /** A cached prepared statement. */
  prepare(sql: string): Statement {
    if (this.closed) throw new StoreClosedError()
    let statement = this.#statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }

  /** Runs `fn` in one `BEGIN IMMEDIATE` transaction, retrying while the file is locked. */
  write<T>(fn: () => T): Promise<T> {
    return this.#retry(() => this.#immediate(fn) as T)
  }

  /** Runs `fn` in one read transaction so several statements see one snapshot. */
  read<T>(fn: () => T): Promise<T> {
    return this.#retry(() => this.#deferred(fn) as T)
  }

  /**
   * Runs `fn` outside any explicit transaction: for one statement, which SQLite runs as its own
   * transaction (a read, or a write that needs no other statement to be atomic).
   */
  query<T>(fn: () => T): Promise<T> {
    return this.#retry(fn)
  }

  close(): void {
    this.#closed = true
    this.#statements.clear()
    if (this.db.open) this.db.close()
  }

  /** Runs `fn` at once; only a locked file leads to the asynchronous waits of `#wait`. */
  #retry<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(this.#once(fn))
    } catch (error) {
      return this.#wait(fn, error)
    }
  }

  /** One try at `fn`, refused once closed; after it the WAL guard may look at the log's size. */
  #once<T>(fn: () => T): T {
    if (this.closed) throw new StoreClosedError()
    const result = fn()
    this.#wal?.touched()
    return result
  }

  async #wait<T>(fn: () => T, first: unknown): Promise<T> {
    const deadline = Date.now() + this.#busyTimeoutMs
    let error = first
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new StoreClosedError()
      const left = deadline - Date.now()
      if (!isBusy(error) || left <= 0) throw mapSqliteError(error)
      await sleep(Math.min(left, backoff(attempt)))
      try {
        return this.#once(fn)
      } catch (next) {
        error = next
      }
    }
  }
}

/** Short pauses first (a commit takes well under a millisecond), with jitter so waiters spread. */
function backoff(attempt: number): number {
  return Math.min(2 ** attempt, MAX_BACKOFF_MS) * (0.5 + Math.random())
}
