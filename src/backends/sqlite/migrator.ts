import type { MigrationStatus } from "../../core/backend.js"
import { MigrationError } from "../../core/errors.js"
import { latestVersion, type Migration, migrationChecksum } from "../../core/migrations.js"
import type { Connection } from "./connection.js"

interface AppliedRow {
  version: number
  name: string
  checksum: string
  applied_at: number
}

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
  const latest = latestVersion(migrations)
  if (!Number.isSafeInteger(target) || target < 0 || target > latest) {
    throw new MigrationError(`cannot migrate to version ${target}; known versions are 0..${latest}`)
  }
  const status = await sqliteMigrationStatus(conn, migrations)
  if (status.current === target && status.applied.length > 0) {
    verify(readApplied(conn), migrations)
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
  const applied = readApplied(conn)
  verify(applied, migrations)
  const current = applied.at(-1)?.version ?? 0
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

function readApplied(conn: Connection): AppliedRow[] {
  return conn
    .prepare(`SELECT version, name, checksum, applied_at FROM ${TABLE} ORDER BY version`)
    .all() as AppliedRow[]
}

function verify(applied: AppliedRow[], migrations: readonly Migration[]): void {
  const latest = latestVersion(migrations)
  for (const row of applied) {
    if (row.version > latest) {
      throw new MigrationError(
        `the database is at schema version ${applied.at(-1)?.version}, newer than this agentstore (${latest}); upgrade agentstore`,
        { backend: "sqlite", databaseVersion: applied.at(-1)?.version, codeVersion: latest },
      )
    }
    const known = migrations.find((m) => m.version === row.version)
    if (!known || migrationChecksum(known) !== row.checksum) {
      throw new MigrationError(
        `applied migration ${row.version} (${row.name}) does not match this code`,
        {
          backend: "sqlite",
          version: row.version,
        },
      )
    }
  }
}

/** Applied and known versions. */
export async function sqliteMigrationStatus(
  conn: Connection,
  migrations: readonly Migration[],
): Promise<MigrationStatus> {
  const exists = conn
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
    .get(TABLE)
  const applied = exists ? readApplied(conn) : []
  return {
    current: applied.at(-1)?.version ?? 0,
    latest: latestVersion(migrations),
    applied: applied.map((row) => ({
      version: row.version,
      name: row.name,
      checksum: row.checksum,
      appliedAt: new Date(row.applied_at).toISOString(),
    })),
  }
}
