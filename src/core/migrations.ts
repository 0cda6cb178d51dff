import { createHash } from "node:crypto"
import type { MigrationStatus } from "./backend.js"
import { MigrationError } from "./errors.js"

/** One schema step. Both backends number their steps the same way. */
export interface Migration {
  version: number
  name: string
  /** SQL that moves the schema from `version - 1` to `version`. */
  up: string
  /** SQL that moves it back. */
  down: string
}

/** The checksum recorded when a step is applied; a changed step refuses to run. */
export function migrationChecksum(migration: Migration): string {
  return createHash("sha256")
    .update(`${migration.version}\n${migration.name}\n${migration.up}\n--down--\n${migration.down}`)
    .digest("hex")
}

/** The newest version of a list of steps. */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0)
}

/** One row of the `agentstore_migrations` table, as both backends read it. */
export interface AppliedMigrationRow {
  version: number
  name: string
  checksum: string
  applied_at: number
}

/** Refuses a migration target outside `0..latest`. */
export function checkMigrationTarget(target: number, migrations: readonly Migration[]): void {
  const latest = latestVersion(migrations)
  if (!Number.isSafeInteger(target) || target < 0 || target > latest) {
    throw new MigrationError(`cannot migrate to version ${target}; known versions are 0..${latest}`)
  }
}

/**
 * Checks applied steps against the code: refuses a database newer than the code and any
 * applied step whose checksum differs from the known one. Returns the current version.
 */
export function verifyApplied(
  applied: readonly AppliedMigrationRow[],
  migrations: readonly Migration[],
  backend: string,
): number {
  const latest = latestVersion(migrations)
  const current = applied.at(-1)?.version ?? 0
  for (const row of applied) {
    if (row.version > latest) {
      throw new MigrationError(
        `the database is at schema version ${current}, newer than this agentstore (${latest}); upgrade agentstore`,
        { backend, databaseVersion: current, codeVersion: latest },
      )
    }
    const known = migrations.find((m) => m.version === row.version)
    if (!known || migrationChecksum(known) !== row.checksum) {
      throw new MigrationError(
        `applied migration ${row.version} (${row.name}) does not match this code`,
        { backend, version: row.version },
      )
    }
  }
  return current
}

/** The status report for the applied rows (in version order) and the known steps. */
export function migrationStatus(
  applied: readonly AppliedMigrationRow[],
  migrations: readonly Migration[],
): MigrationStatus {
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
