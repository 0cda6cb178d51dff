import { createHash } from "node:crypto"
import { setTimeout as sleep } from "node:timers/promises"
import pg from "pg"
import { StoreClosedError } from "../../core/errors.js"
import { hasSqlState, isRetryable, keepsConnection, mapPgError } from "./errors.js"

/** A driver-level client: a pooled connection or the pool itself. */
type Queryable = pg.Pool | pg.PoolClient

/** How the backend reaches PostgreSQL. */
export interface ConnectionOptions {
  /** A `postgres://` URL; the backend opens (and later closes) its own pool. */
  connectionString?: string
  /** A pool the caller owns; the backend never ends it. */
  pool?: pg.Pool
  /** Schema holding the tables. */
  schema: string
  /** Pool size when the backend opens the pool. */
  max: number
  /** Per-statement limit in ms on pools the backend opens; 0 = none. */
  statementTimeoutMs: number
  /** `synchronous_commit` for pools the backend opens. */
  synchronousCommit: "on" | "local"
  /** Named (server-side prepared) statements (default true); off for poolers that cannot keep them. */
  preparedStatements?: boolean
}

/** int8 and numeric counts come back as JS numbers; everything else as `pg` parses it. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as never,
}

/** How many times a serialization failure or deadlock is retried before it reaches the caller. */
export const MAX_RETRIES = 8

/**
 * The pool the backend runs on: statements are named (prepared once per connection) unless
 * `preparedStatements` is off, bigint
 * columns are numbers, driver errors become store errors, and transactions retry on
 * serialization failures and deadlocks.
 */
export class Connection {
  readonly pool: pg.Pool
  readonly schema: string
  /** `host:port/database`, for error messages: never the password. */
  readonly server: string
  readonly #owned: boolean
  readonly #prepared: boolean
  readonly #inflight = new Set<Promise<unknown>>()
  #closed = false

  constructor(options: ConnectionOptions) {
    this.schema = options.schema
    this.#prepared = options.preparedStatements ?? true
    if (options.pool) {
      this.pool = options.pool
      this.#owned = false
    } else {
      this.pool = new pg.Pool({
        connectionString: options.connectionString,
        max: options.max,
        application_name: "agentstore",
        options: `-c synchronous_commit=${options.synchronousCommit}`,
        ...(options.statementTimeoutMs > 0
          ? { statement_timeout: options.statementTimeoutMs }
          : {}),
      })
      this.#owned = true
      // An idle connection that dies is replaced on the next checkout; never crash the process.
      this.pool.on("error", () => {})
    }
    this.server = describeServer(this.pool)
  }

  /** `"schema"."table"`. */
  table(name: string): string {
    return `"${this.schema}"."${name}"`
  }

  /** Throws `StoreClosedError` once `close()` was called. */
  ensureOpen(): void {
    if (this.#closed) throw new StoreClosedError()
  }

  /**
   * Runs one statement (a prepared, named statement) and returns its rows. On the pool it
   * refuses to start once closed; on a checked-out client (a transaction already running) it
   * finishes the work it started.
   */
  async query<T>(sql: string, params: unknown[] = [], on: Queryable = this.pool): Promise<T[]> {
    if (on !== this.pool) return this.#query<T>(sql, params, on)
    this.ensureOpen()
    return this.#track(this.#query<T>(sql, params, on))
  }

  async #query<T>(sql: string, params: unknown[], on: Queryable): Promise<T[]> {
    try {
      const query: pg.QueryConfig = { text: sql, values: params, types: TYPES }
      if (this.#prepared) query.name = statementName(sql)
      const result = await (on === this.pool ? this.#pooled(query) : on.query(query))
      return result.rows as T[]
    } catch (error) {
      throw this.#mapError(error)
    }
  }

  /**
   * `pool.query`, except that a statement the server refused (a constraint, a timeout, a
   * serialization failure) returns its connection to the pool: `pool.query` would close it,
   * and the next call would pay for a new connection and prepare its statements again. A
   * broken connection is still dropped.
   */
  async #pooled(query: pg.QueryConfig): Promise<pg.QueryResult> {
    const client = await this.pool.connect()
    try {
      const result = await client.query(query)
      client.release()
      return result
    } catch (error) {
      client.release(keepsConnection(error) ? undefined : (error as Error))
      throw error
    }
  }

  /** Runs one statement on its own, retrying serialization failures and deadlocks. */
  async run<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.retry(() => this.query<T>(sql, params))
  }

  /** Retries `fn` while it fails with a serialization failure or a deadlock. */
  async retry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn()
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause ?? error
        if (!isRetryable(cause) || attempt >= MAX_RETRIES || this.#closed) throw error
        await sleep(Math.min(2 ** attempt, 50) * (0.5 + Math.random()))
      }
    }
  }

  /** Runs `fn` in one transaction on one pooled connection; retried as a whole on races. */
  async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.retry(() => {
      this.ensureOpen()
      return this.#track(this.#attempt(fn))
    })
  }

  async #attempt<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient
    try {
      client = await this.pool.connect()
    } catch (error) {
      throw this.#mapError(error)
    }
    let broken = false
    try {
      await client.query("BEGIN")
      const result = await fn(client)
      await client.query("COMMIT")
      return result
    } catch (error) {
      broken = await rollback(client)
      throw this.#mapError(error)
    } finally {
      client.release(broken)
    }
  }

  /** Keeps `work` in the set `close()` waits for before it ends the pool. */
  #track<T>(work: Promise<T>): Promise<T> {
    this.#inflight.add(work)
    const done = () => this.#inflight.delete(work)
    work.then(done, done)
    return work
  }

  /**
   * A driver error as a store error. After `close()`, errors that carry no SQLSTATE (the
   * pool refusing work because it was ended) become `StoreClosedError`.
   */
  #mapError(error: unknown): unknown {
    if (this.#closed && !hasSqlState(error)) {
      return new StoreClosedError(error)
    }
    return mapPgError(error, this.server)
  }

  /**
   * Refuses new work, lets the calls already started finish (a pool that is ending never serves
   * the requests still queued for a connection), then ends the pool if the backend opened it.
   * Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight])
    if (this.#owned) await this.pool.end()
  }
}

async function rollback(client: pg.PoolClient): Promise<boolean> {
  try {
    await client.query("ROLLBACK")
    return false
  } catch {
    return true
  }
}

const names = new Map<string, string>()

/** A stable prepared-statement name for a SQL text. */
function statementName(sql: string): string {
  let name = names.get(sql)
  if (!name) {
    name = `agentstore_${createHash("sha1").update(sql).digest("hex").slice(0, 20)}`
    names.set(sql, name)
  }
  return name
}

/** `host:port/database` of a pool, without user or password. */
export function describeServer(pool: pg.Pool): string {
  const options = pool.options as pg.PoolConfig
  let host = options.host
  let port: string | number | undefined = options.port
  let database = options.database
  if (options.connectionString) {
    try {
      const url = new URL(options.connectionString)
      host = decodeURIComponent(url.hostname) || host
      port = url.port || port
      database = decodeURIComponent(url.pathname.slice(1)) || database
    } catch {
      return "the configured server"
    }
  }
  return `${host ?? process.env.PGHOST ?? "localhost"}:${port ?? process.env.PGPORT ?? 5432}/${database ?? process.env.PGDATABASE ?? ""}`
}

/** Turns the shared builders' `?` placeholders into `$1, $2, …` (starting after `offset`). */
export function numbered(sql: string, offset = 0): string {
  let n = offset
  return sql.replace(/\?/g, () => `$${++n}`)
}

/** The constraint a mapped driver error names, if any. */
export function violatedConstraint(error: unknown): string | undefined {
  const cause = (error as { cause?: { constraint?: unknown } })?.cause
  return typeof cause?.constraint === "string" ? cause.constraint : undefined
}
