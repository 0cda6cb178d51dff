/** Stable error codes. They never depend on the backend. */
export type ErrorCode =
  | "VALIDATION"
  | "NOT_FOUND"
  | "CONFLICT"
  | "INTEGRITY"
  | "STORE_CLOSED"
  | "UNAVAILABLE"
  | "MIGRATION"
  | "INTERNAL"

/** One table maps every code to an HTTP status and a CLI exit code. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, { http: number; exit: number }>> =
  Object.freeze({
    VALIDATION: { http: 400, exit: 2 },
    NOT_FOUND: { http: 404, exit: 3 },
    CONFLICT: { http: 409, exit: 4 },
    INTEGRITY: { http: 500, exit: 5 },
    STORE_CLOSED: { http: 503, exit: 1 },
    UNAVAILABLE: { http: 503, exit: 1 },
    MIGRATION: { http: 500, exit: 1 },
    INTERNAL: { http: 500, exit: 1 },
  })

/** Extra facts about an error: the field, the id, the backend. JSON-safe. */
export type ErrorDetails = Record<string, unknown>

/** Base of every error agentstore raises on purpose. */
export class AgentStoreError extends Error {
  readonly code: ErrorCode
  readonly details: ErrorDetails

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = new.target.name
    this.code = code
    this.details = details
  }

  /** The body the HTTP server sends: `{ error: { code, message, details } }`. */
  toJSON(): { error: { code: ErrorCode; message: string; details: ErrorDetails } } {
    return { error: { code: this.code, message: this.message, details: this.details } }
  }
}

/** Bad input: names the offending field in `details.field`. Nothing was written. */
export class ValidationError extends AgentStoreError {
  constructor(field: string, message: string, details: ErrorDetails = {}) {
    super("VALIDATION", `${field}: ${message}`, { field, ...details })
  }
}

/** The addressed record does not exist (in this namespace). */
export class NotFoundError extends AgentStoreError {
  constructor(entity: string, id: string, details: ErrorDetails = {}) {
    super("NOT_FOUND", `${entity} not found: ${id}`, { entity, id, ...details })
  }
}

/** A write lost a race or contradicts what is stored (idempotency key reused, stale sequence). */
export class ConflictError extends AgentStoreError {
  constructor(message: string, details: ErrorDetails = {}, cause?: unknown) {
    super("CONFLICT", message, details, cause)
  }
}

/** Stored data is corrupt or does not match its checksum; it is never read as empty. */
export class IntegrityError extends AgentStoreError {
  constructor(message: string, details: ErrorDetails = {}, cause?: unknown) {
    super("INTEGRITY", message, details, cause)
  }
}

/** The store was closed before this call. */
export class StoreClosedError extends AgentStoreError {
  constructor(cause?: unknown) {
    super("STORE_CLOSED", "the store is closed", {}, cause)
  }
}

/** The backend cannot be reached or stayed busy past its retry budget. */
export class UnavailableError extends AgentStoreError {
  constructor(message: string, details: ErrorDetails = {}, cause?: unknown) {
    super("UNAVAILABLE", message, details, cause)
  }
}

/** The schema cannot be migrated (changed checksum, newer database, failed step). */
export class MigrationError extends AgentStoreError {
  constructor(message: string, details: ErrorDetails = {}, cause?: unknown) {
    super("MIGRATION", message, details, cause)
  }
}

/** True when `value` is an agentstore error, optionally of one code. */
export function isAgentStoreError(value: unknown, code?: ErrorCode): value is AgentStoreError {
  return value instanceof AgentStoreError && (code === undefined || value.code === code)
}
