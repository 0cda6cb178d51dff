import { createHash } from "node:crypto"

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
