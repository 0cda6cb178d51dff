import {
  AgentStoreError,
  ConflictError,
  IntegrityError,
  UnavailableError,
} from "../../core/errors.js"

const BACKEND = "sqlite"

/** True for the lock errors a retry can outlive. */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code
  return (
    typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))
  )
}

/** The driver's error code (`SQLITE_CONSTRAINT_UNIQUE`, …) or undefined. */
export function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code
  return typeof code === "string" && code.startsWith("SQLITE_") ? code : undefined
}

/** Maps a driver error to the store's codes, keeping the driver error as `cause`. */
export function mapSqliteError(error: unknown): unknown {
  if (error instanceof AgentStoreError) return error
  const code = sqliteCode(error)
  if (code === undefined) return error
  const details = { backend: BACKEND, driverCode: code }
  const message = (error as Error).message
  if (code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE") {
    return collision(message, details, error)
  }
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") {
    return new IntegrityError(`the database file is corrupt: ${message}`, details, error)
  }
  if (code.startsWith("SQLITE_FULL")) {
    return new UnavailableError("the disk is full; nothing was written", details, error)
  }
  if (isBusy(error)) {
    return new UnavailableError("the database stayed locked past the retry budget", details, error)
  }
  if (
    code.startsWith("SQLITE_READONLY") ||
    code.startsWith("SQLITE_CANTOPEN") ||
    code.startsWith("SQLITE_IOERR")
  ) {
    return new UnavailableError(`the database cannot be written: ${message}`, details, error)
  }
  return error
}

/**
 * A key collision in the store's words: the table and key columns, read from the driver's
 * message, which itself never reaches the caller (it stays the `cause`).
 */
function collision(message: string, details: Record<string, unknown>, error: unknown) {
  const columns = /: ([\w.]+(?:, [\w.]+)*)$/.exec(message)?.[1]?.split(", ") ?? []
  const table = columns[0]?.split(".")[0] ?? "a table"
  const key = columns.map((c) => c.split(".")[1]).filter((c) => c !== "namespace")
  return new ConflictError(
    `${table} already holds a row with the same ${key.join(", ") || "key"}`,
    { ...details, table, key },
    error,
  )
}
