import type { Backend, BackendCapabilities } from "../../core/backend.js"
import { sqliteArtifacts } from "./artifacts.js"
import { sqliteBlobs } from "./blobs.js"
import { sqliteChangesets } from "./changesets.js"
import { Connection } from "./connection.js"
import { sqliteEvents } from "./events.js"
import { sqliteMaintenance } from "./maintenance.js"
import { sqliteMessages } from "./messages.js"
import { migrations } from "./migrations/index.js"
import { migrateSqlite, sqliteMigrationStatus } from "./migrator.js"
import { sqliteSessions } from "./sessions.js"
import { sqliteTools } from "./tools.js"
import { sqliteWatch } from "./watch.js"

/** How to open the SQLite backend. */
export interface SqliteConfig {
  /** A file path (parent directories are created) or `":memory:"`. */
  path: string
  /** `"normal"` survives a process crash; `"full"` also survives power loss. Default `"normal"`. */
  durability?: "normal" | "full"
  /** How long a write may wait for another process's lock. Default 60 s. */
  busyTimeoutMs?: number
  /** Migrate to the latest schema on open. Default true. */
  migrate?: boolean
  /**
   * How often live tails check for commits by other processes (`PRAGMA data_version`), in ms.
   * Default 25. Commits by this backend wake them at once.
   */
  watchIntervalMs?: number
}

/**
 * Opens a SQLite backend: one file, WAL, many processes may share it.
 * @example
 * const backend = await createSqliteBackend({ path: "./.agentstore/store.db" })
 */
export async function createSqliteBackend(config: SqliteConfig): Promise<Backend> {
  const conn = await Connection.open({
    path: config.path,
    durability: config.durability ?? "normal",
    busyTimeoutMs: config.busyTimeoutMs ?? 60_000,
  })
  const capabilities: BackendCapabilities = Object.freeze({
    multiProcess: config.path !== ":memory:",
    notify: false,
    maxBatch: 10_000,
  })
  const watch = sqliteWatch(
    conn,
    config.path === ":memory:" ? undefined : (config.watchIntervalMs ?? 25),
  )
  const events = sqliteEvents(conn)
  let closed = false
  const backend: Backend = {
    name: "sqlite",
    capabilities,
    migrate: (target) => migrateSqlite(conn, migrations, target),
    migrationStatus: () => sqliteMigrationStatus(conn, migrations),
    async close() {
      if (closed) return
      closed = true
      watch.close()
      conn.close()
    },
    ...sqliteSessions(conn),
    ...sqliteMessages(conn),
    ...events,
    async appendEvents(rows, options) {
      const stored = await events.appendEvents(rows, options)
      watch.committed(stored)
      return stored
    },
    watch: watch.watch,
    ...sqliteTools(conn),
    ...sqliteArtifacts(conn),
    ...sqliteBlobs(conn),
    maintenance: sqliteMaintenance(conn),
    ...sqliteChangesets(conn),
  }
  try {
    if (config.migrate !== false) await backend.migrate()
  } catch (error) {
    conn.close()
    throw error
  }
  return backend
}
