import type { MigrationStatus } from "../../core/backend.js"
import { MigrationError } from "../../core/errors.js"
import {
  type AppliedMigrationRow,
  checkMigrationTarget,
  latestVersion,
  type Migration,
  migrationChecksum,
  migrationStatus,
  verifyApplied,
} from "../../core/migrations.js"
import type { Connection } from "./connection.js"

const TABLE = "agentstore_migrations"

/**
 * Moves the schema to `target` one step per `BEGIN IMMEDIATE` transaction. Each step re-reads
 * the version inside its transaction, so concurrent migrators serialise on the file lock and
 * never apply a step twice.
 */
export async function migrateSqlite(
  conn: Connection,
  migrations: readonly Migration[],
  target = latestVersion(migrations),
): Promise<MigrationStatus> {
  checkMigrationTarget(target, migrations)
  const status = await sqliteMigrationStatus(conn, migrations)
  if (status.current === target && status.applied.length > 0) {
    verifyApplied(await conn.query(() => readApplied(conn)), migrations, "sqlite")
    return status
  }
  await conn.write(() =>
    conn.db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)`),
  )
  for (;;) {
    const done = await conn.write(() => step(conn, migrations, target))
    if (done) return sqliteMigrationStatus(conn, migrations)
  }
}

function step(conn: Connection, migrations: readonly Migration[], target: number): boolean {
  const current = verifyApplied(readApplied(conn), migrations, "sqlite")
  if (current === target) return true
  try {
    if (current < target) {
      const next = migrations.find((m) => m.version === current + 1) as Migration
      conn.db.exec(next.up)
      conn
        .prepare(`INSERT INTO ${TABLE} (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)`)
        .run(next.version, next.name, migrationChecksum(next), Date.now())
    } else {
      const last = migrations.find((m) => m.version === current) as Migration
      conn.db.exec(last.down)
      conn.prepare(`DELETE FROM ${TABLE} WHERE version = ?`).run(last.version)
    }
  } catch (cause) {
    throw new MigrationError(
      `migration step from version ${current} failed: ${(cause as Error).message}`,
      {
        backend: "sqlite",
        from: current,
      },
      cause,
    )
  }
  return false
}

function readApplied(conn: Connection): AppliedMigrationRow[] {
  return conn
    .prepare(`SELECT version, name, checksum, applied_at FROM ${TABLE} ORDER BY version`)
    .all() as AppliedMigrationRow[]
}

/** Applied and known versions. */
export async function sqliteMigrationStatus(
  conn: Connection,
  migrations: readonly Migration[],
): Promise<MigrationStatus> {
  const applied = await conn.read(() => {
    const exists = conn
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
      .get(TABLE)
    return exists ? readApplied(conn) : []
  })
  return migrationStatus(applied, migrations)
}
