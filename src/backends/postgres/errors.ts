import {
  AgentStoreError,
  ConflictError,
  IntegrityError,
  UnavailableError,
  ValidationError,
} from "../../core/errors.js"

const BACKEND = "postgres"

/** SQLSTATEs a retry of the whole statement or transaction can outlive. */
const RETRYABLE = new Set(["40001", "40P01"])

/** Node socket errors and SQLSTATEs that mean the server cannot be reached or went away. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "3D000",
  "28000",
  "28P01",
])

/** Foreign key constraint name → the input field it checks. */
const FK_FIELDS: Record<string, string> = {
  messages_session_fk: "sessionId",
  events_session_fk: "sessionId",
  tools_session_fk: "sessionId",
}

/** The SQLSTATE or socket error code of a driver error, if any. */
export function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code
  return typeof code === "string" ? code : undefined
}

/** True when the error carries a SQLSTATE the server sent (not a socket or pool error). */
export function hasSqlState(error: unknown): boolean {
  return /^[0-9A-Z]{5}$/.test(pgCode(error) ?? "")
}

/** True for serialization failures and deadlocks. */
export function isRetryable(error: unknown): boolean {
  return RETRYABLE.has(pgCode(error) ?? "")
}

/**
 * True when the server refused one statement and the connection is still fit for the next:
 * an error with a SQLSTATE, neither a connection loss nor an internal or system error.
 */
export function keepsConnection(error: unknown): boolean {
  if (!hasSqlState(error) || isConnectionLoss(error)) return false
  const code = pgCode(error) ?? ""
  return !code.startsWith("XX") && !code.startsWith("58")
}

function isConnectionLoss(error: unknown): boolean {
  const code = pgCode(error)
  if (code !== undefined && (UNREACHABLE.has(code) || code.startsWith("08"))) return true
  const message = (error as Error)?.message ?? ""
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(
    message,
  )
}

/**
 * Maps a driver error to the store's codes, keeping the driver error as `cause` and the
 * backend name in `details`. `where` names the server (`host:port/database`), never a password.
 */
export function mapPgError(error: unknown, where: string): unknown {
  if (error instanceof AgentStoreError) return error
  const code = pgCode(error)
  const message = (error as Error)?.message ?? String(error)
  const details = { backend: BACKEND, driverCode: code ?? null, server: where }
  if (isConnectionLoss(error)) {
    return new UnavailableError(`PostgreSQL at ${where} is unavailable: ${message}`, details, error)
  }
  switch (code) {
    case "23505": {
      const { table, constraint } = error as { table?: string; constraint?: string }
      return new ConflictError(
        `${table ?? "a table"} already holds a row with the same key (${constraint ?? "primary key"})`,
        { ...details, table: table ?? null, key: constraint ?? null },
        error,
      )
    }
    case "23503": {
      const constraint = (error as { constraint?: string }).constraint ?? ""
      const field = FK_FIELDS[constraint] ?? "reference"
      const failure = new ValidationError(field, "refers to a record that does not exist", details)
      return Object.assign(failure, { cause: error })
    }
    case "40001":
    case "40P01":
      return new ConflictError(
        "the write lost a concurrent race and kept losing after retries",
        details,
        error,
      )
    case "57014":
      return new UnavailableError(`the statement timed out on ${where}: ${message}`, details, error)
    case "53100":
    case "53200":
      return new UnavailableError(`PostgreSQL at ${where} is out of resources`, details, error)
    case "XX001":
    case "XX002":
      return new IntegrityError(`PostgreSQL reports corrupt data: ${message}`, details, error)
    default:
      return error
  }
}
