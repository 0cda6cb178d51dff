import type { Connection } from "./connection.js"
import { MIGRATION_CHECKSUMS } from "./migrations/checksums.js"

/**
 * True when the database holds exactly this code's steps (versions 1..latest with their recorded
 * checksums): the store can open as it is. Reads one snapshot and loads no step; anything else
 * (a missing table, fewer or more steps, a changed checksum) answers false, and the full migration
 * path decides what to do.
 */
export async function schemaIsCurrent(conn: Connection): Promise<boolean> {
  const rows = await conn.read(() => {
    const table = conn
      .prepare(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'agentstore_migrations'",
      )
      .get()
    if (!table) return []
    return conn
      .prepare("SELECT version, checksum FROM agentstore_migrations ORDER BY version")
      .all() as { version: number; checksum: string }[]
  })
  return (
    rows.length === MIGRATION_CHECKSUMS.length &&
    rows.every((row, i) => row.version === i + 1 && row.checksum === MIGRATION_CHECKSUMS[i])
  )
}
