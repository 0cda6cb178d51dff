import type pg from "pg"
import type { Backend, BackendCapabilities } from "../../core/backend.js"
import { ValidationError } from "../../core/errors.js"
import { postgresArtifacts } from "./artifacts.js"
import { postgresBlobs } from "./blobs.js"
import { postgresChangesets } from "./changesets.js"
import { Connection } from "./connection.js"
import { postgresEvents } from "./events.js"
import { postgresMaintenance } from "./maintenance.js"
import { postgresMessages } from "./messages.js"
import { migrations } from "./migrations/index.js"
import { migratePostgres, postgresMigrationStatus } from "./migrator.js"
import { Listener } from "./notify.js"
import { postgresSessions } from "./sessions.js"
import { postgresTools } from "./tools.js"

/** How to open the PostgreSQL backend. Give `url` or `pool`. */
export interface PostgresConfig {
  /**
   * `postgres://user:password@host:port/database`. The parameters `schema`, `poolSize` and
   * `statementTimeoutMs` set those settings (the fields below win); the others go to `pg`.
   */
  url?: string
  /** A pool the caller owns (the backend never ends it); its own settings apply. */
  pool?: pg.Pool
  /** Schema holding the tables, created by the first migration. Default `"agentstore"`. */
  schema?: string
  /** Connections in the pool the backend opens. Default 10. */
  poolSize?: number
  /** Per-statement time limit in ms on the pool the backend opens; 0 = none. Default 30 s. */
  statementTimeoutMs?: number
  /**
   * `"normal"` commits with `synchronous_commit=local` (flushed on the primary before the call
   * returns: survives a crash of the client, of the server and of its machine); `"full"` with
   * `synchronous_commit=on` (also waits for synchronous standbys when there are some).
   * Applies to the pool the backend opens. Default `"normal"`.
   */
  durability?: "normal" | "full"
  /** Migrate to the latest schema on open. Default true. */
  migrate?: boolean
  /**
   * Named (server-side prepared) statements: planned once per connection. Default true. Set
   * `false` (URL: `preparedStatements=false`) behind a pooler in transaction mode that cannot
   * keep them (PgBouncer before 1.21, or with `max_prepared_statements = 0`).
   */
  preparedStatements?: boolean
  /**
   * Where the live-tail LISTEN connection goes (URL: `listenUrl=<percent-encoded URL>`).
   * Default: the pool's server. A pooler in transaction mode cannot LISTEN: point this at the
   * database itself or at a session-mode pooler.
   */
  listenUrl?: string
}

/** The backend with its PostgreSQL extras. */
export interface PostgresBackend extends Backend {
  /** The schema the tables live in. */
  readonly schema: string
  /** The channel every event append NOTIFYs at commit, with the namespace as payload. */
  readonly channel: string
  /**
   * Calls `onSignal` whenever events may have been appended to namespace `ns` (by any process
   * on any machine), once the LISTEN is in place, and after a reconnect. A signal carries no
   * data: re-read from your cursor. Returns a function that stops watching.
   */
  watch(ns: string, onSignal: () => void): () => void
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,44}$/
/** Schemas PostgreSQL reserves: `pg_*` (pg_catalog, pg_toast, pg_temp…) and information_schema. */
const SYSTEM_SCHEMA = /^(pg_|information_schema$)/

/**
 * Opens a PostgreSQL backend: many processes on many machines may share one database.
 * @example
 * const backend = await createPostgresBackend({ url: "postgres://app@db:5432/app" })
 */
export async function createPostgresBackend(config: PostgresConfig): Promise<PostgresBackend> {
  const { url, schema, poolSize, statementTimeoutMs, preparedStatements, listenUrl } =
    settings(config)
  const conn = new Connection({
    ...(url === undefined ? {} : { connectionString: url }),
    ...(config.pool === undefined ? {} : { pool: config.pool }),
    schema,
    max: poolSize,
    statementTimeoutMs,
    synchronousCommit: config.durability === "full" ? "on" : "local",
    preparedStatements,
  })
  const channel = `agentstore_events_${schema}`
  const listener = new Listener(conn.pool, channel, listenUrl)
  const capabilities: BackendCapabilities = Object.freeze({
    multiProcess: true,
    notify: true,
    maxBatch: 10_000,
  })
  let closed = false
  const backend: PostgresBackend = {
    name: "postgres",
    capabilities,
    schema,
    channel,
    migrate: (target) => migratePostgres(conn, migrations, target),
    migrationStatus: () => postgresMigrationStatus(conn, migrations),
    watch: (ns, onSignal) => listener.watch(ns, onSignal),
    async close() {
      if (closed) return
      closed = true
      listener.stop()
      await conn.close()
    },
    ...postgresSessions(conn),
    ...postgresMessages(conn),
    ...postgresEvents(conn, channel),
    ...postgresTools(conn),
    ...postgresArtifacts(conn),
    ...postgresBlobs(conn),
    ...postgresChangesets(conn),
    maintenance: postgresMaintenance(conn, channel),
  }
  try {
    if (config.migrate !== false) await backend.migrate()
  } catch (error) {
    await backend.close()
    throw error
  }
  return backend
}

interface Settings {
  url?: string
  schema: string
  poolSize: number
  statementTimeoutMs: number
  preparedStatements: boolean
  listenUrl?: string
}

const URL_SETTINGS = [
  "schema",
  "poolSize",
  "statementTimeoutMs",
  "preparedStatements",
  "listenUrl",
] as const

/** Config merged with the URL's own parameters (`schema`, `poolSize`, `statementTimeoutMs`). */
function settings(config: PostgresConfig): Settings {
  if ((config.url === undefined) === (config.pool === undefined)) {
    throw new ValidationError("config", "give exactly one of url or pool")
  }
  const fromUrl: Record<string, string> = {}
  let url = config.url
  if (url !== undefined) {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new ValidationError("url", "must be a postgres:// URL")
    }
    for (const key of URL_SETTINGS) {
      const value = parsed.searchParams.get(key)
      if (value !== null) fromUrl[key] = value
      parsed.searchParams.delete(key)
    }
    url = parsed.toString()
  }
  const schema = config.schema ?? fromUrl.schema ?? "agentstore"
  if (!SCHEMA.test(schema)) {
    throw new ValidationError("schema", "must be 1-45 of a-z, 0-9 and _, not starting with a digit")
  }
  if (SYSTEM_SCHEMA.test(schema)) {
    throw new ValidationError("schema", `${schema} is a PostgreSQL system schema`)
  }
  const poolSize = integer("poolSize", config.poolSize ?? fromUrl.poolSize ?? 10, 1, 1000)
  const statementTimeoutMs = integer(
    "statementTimeoutMs",
    config.statementTimeoutMs ?? fromUrl.statementTimeoutMs ?? 30_000,
    0,
    2 ** 31 - 1,
  )
  const preparedStatements = flag(
    "preparedStatements",
    config.preparedStatements ?? fromUrl.preparedStatements ?? true,
  )
  const listenUrl = config.listenUrl ?? fromUrl.listenUrl
  if (listenUrl !== undefined) checkPostgresUrl("listenUrl", listenUrl)
  const base = { schema, poolSize, statementTimeoutMs, preparedStatements }
  return {
    ...base,
    ...(url === undefined ? {} : { url }),
    ...(listenUrl === undefined ? {} : { listenUrl }),
  }
}

function flag(field: string, value: boolean | string): boolean {
  if (value === true || value === "true") return true
  if (value === false || value === "false") return false
  throw new ValidationError(field, "must be true or false")
}

function checkPostgresUrl(field: string, value: unknown): void {
  let parsed: URL | undefined
  try {
    parsed = typeof value === "string" ? new URL(value) : undefined
  } catch {}
  if (!parsed || !/^postgres(ql)?:$/.test(parsed.protocol)) {
    throw new ValidationError(field, "must be a postgres:// URL")
  }
}

function integer(field: string, value: number | string, min: number, max: number): number {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ValidationError(field, `must be an integer from ${min} to ${max}`)
  }
  return n
}
