import type { Backend, BackendCapabilities } from "../../core/backend.js"
import { Connection } from "./connection.js"
import { sqliteDomains } from "./domains.js"
import { schemaIsCurrent } from "./schema-check.js"
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
  const domains = sqliteDomains(conn)
  let closed = false
  const backend: Backend = {
    name: "sqlite",
    capabilities,
    async migrate(target) {
      const m = await loadMigrator()
      return m.migrateSqlite(conn, m.steps, target)
    },
    async migrationStatus() {
      const m = await loadMigrator()
      return m.sqliteMigrationStatus(conn, m.steps)
    },
    async close() {
      if (closed) return
      closed = true
      watch.close()
      conn.close()
    },
    ...domains,
    async appendEvents(rows, options) {
      const stored = await domains.appendEvents(rows, options)
      watch.committed(stored)
      return stored
    },
    watch: watch.watch,
  }
  try {
    if (config.migrate !== false && !(await schemaIsCurrent(conn))) await backend.migrate()
  } catch (error) {
    conn.close()
    throw error
  }
  return backend
}

/** The migrator and the list of steps, loaded only when a migration or a status is asked for. */
async function loadMigrator() {
  const [migrator, steps] = await Promise.all([
    import("./migrator.js"),
    import("./migrations/index.js"),
  ])
  return { ...migrator, steps: steps.migrations }
}
