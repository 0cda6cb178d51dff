import { ValidationError } from "./errors.js"
import type { TimeInput, UsageInput } from "./types.js"

const ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._:@+=-]{0,199}$/
const NAMESPACE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const CONTROL = /[\u0000-\u001f\u007f]/
const CONTROL_BUT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

/** Largest page any list call returns. */
export const MAX_LIMIT = 1000

/** True when `value` is a valid id (see `checkId`). */
export function isId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value)
}

/** A caller-supplied or stored id: 1–200 characters of `A-Z a-z 0-9 _ . : @ + = -`. */
export function checkId(field: string, value: unknown): string {
  if (!isId(value)) {
    throw new ValidationError(
      field,
      "must be 1-200 characters of letters, digits and _ . : @ + = - (not starting with a symbol)",
      { received: describe(value) },
    )
  }
  return value
}

/** A namespace: 1–64 characters of letters, digits, `.`, `_`, `-`. */
export function checkNamespace(value: unknown, field = "namespace"): string {
  if (typeof value !== "string" || !NAMESPACE_PATTERN.test(value)) {
    throw new ValidationError(field, "must be 1-64 letters, digits, '.', '_' or '-'", {
      received: describe(value),
    })
  }
  return value
}

/**
 * Refuses a backend batch whose rows belong to more than one namespace. One call writes to one
 * namespace on every backend: the store's views are scoped to one, and a PostgreSQL append takes
 * its cursors from that namespace's single counter row.
 */
export function checkOneNamespace(field: string, rows: readonly { namespace: string }[]): void {
  const ns = rows[0]?.namespace
  if (rows.some((row) => row.namespace !== ns)) {
    throw new ValidationError(field, "one call appends to one namespace")
  }
}

/** A short name (agent, kind, role, tool): non-empty, well-formed, no control characters. */
export function checkName(field: string, value: unknown, max = 256): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new ValidationError(field, "must be a non-empty string", { received: describe(value) })
  }
  return checkText(field, value, max, CONTROL)
}

/** Free text of one line or several (a title): well-formed, no NUL or other control bytes. */
export function checkTitle(field: string, value: unknown, max = 4096): string {
  if (typeof value !== "string") {
    throw new ValidationError(field, "must be a string or null", { received: describe(value) })
  }
  return checkText(field, value, max, CONTROL_BUT_WHITESPACE)
}

function checkText(field: string, value: string, max: number, forbidden: RegExp): string {
  if (value.length > max) throw new ValidationError(field, `must be at most ${max} characters`)
  if (forbidden.test(value)) throw new ValidationError(field, "must not contain control characters")
  if (!value.isWellFormed()) throw new ValidationError(field, "must not contain lone surrogates")
  return value
}

/** An optional name: `undefined` and `null` mean absent. */
export function optionalName(field: string, value: unknown, max = 256): string | null {
  return value === undefined || value === null ? null : checkName(field, value, max)
}

/** An optional id: `undefined` and `null` mean absent. */
export function optionalId(field: string, value: unknown): string | null {
  return value === undefined || value === null ? null : checkId(field, value)
}

/** An integer in [min, max]. */
export function checkInt(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValidationError(field, `must be an integer from ${min} to ${max}`, {
      received: describe(value),
    })
  }
  return value
}

/** A page size: default when absent, else 1..max. */
export function checkLimit(
  value: unknown,
  fallback = 100,
  max = MAX_LIMIT,
  field = "limit",
): number {
  return value === undefined ? fallback : checkInt(field, value, 1, max)
}

/** One of a fixed set of strings. */
export function checkEnum<T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new ValidationError(field, `must be one of ${allowed.join(", ")}`, {
      received: describe(value),
    })
  }
  return value as T
}

/**
 * ISO-8601 as stored times need it: a date (UTC midnight) or a date-time with its zone.
 * A date-time without `Z` or an offset would be read in the process's time zone, so the same
 * input would name different instants on different machines; it is refused.
 */
const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i

/** A time: Date, ISO-8601 string (with its zone) or epoch milliseconds → epoch milliseconds. */
export function checkTime(field: string, value: TimeInput | unknown): number {
  let ms: number = Number.NaN
  if (value instanceof Date) ms = value.getTime()
  else if (typeof value === "number") ms = Number.isSafeInteger(value) ? value : Number.NaN
  else if (typeof value === "string" && ISO_TIME.test(value)) ms = Date.parse(value)
  if (!Number.isFinite(ms) || ms < 0 || ms > 8.64e15) {
    throw new ValidationError(
      field,
      "must be a Date, epoch milliseconds or an ISO-8601 date or date-time with Z or an offset",
      {
        received: describe(value),
      },
    )
  }
  return ms
}

/** An optional time. */
export function optionalTime(field: string, value: unknown): number | undefined {
  return value === undefined ? undefined : checkTime(field, value)
}

/** An event cursor as handed out by the store: a decimal string. */
export function checkCursor(field: string, value: unknown): string {
  if (typeof value !== "string" || !/^(0|[1-9]\d{0,17})$/.test(value)) {
    throw new ValidationError(field, "must be a cursor returned by the store", {
      received: describe(value),
    })
  }
  return value
}

/** Token usage to add: non-negative integers; named counters use short names. */
export function checkUsage(field: string, value: unknown): Required<UsageInput> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ValidationError(field, "must be an object of token counters")
  }
  const usage = value as Record<string, unknown>
  for (const key of Object.keys(usage)) {
    if (!["input", "output", "total", "extra"].includes(key)) {
      throw new ValidationError(
        `${field}.${key}`,
        "is not a usage counter (input, output, total, extra)",
      )
    }
  }
  const counter = (key: string, v: unknown) =>
    v === undefined ? 0 : checkInt(`${field}.${key}`, v, 0, Number.MAX_SAFE_INTEGER)
  const extra: Record<string, number> = {}
  if (usage.extra !== undefined) {
    if (usage.extra === null || typeof usage.extra !== "object" || Array.isArray(usage.extra)) {
      throw new ValidationError(`${field}.extra`, "must be an object of named counters")
    }
    for (const [name, v] of Object.entries(usage.extra)) {
      checkName(`${field}.extra`, name, 64)
      extra[name] = counter(`extra.${name}`, v)
    }
  }
  return {
    input: counter("input", usage.input),
    output: counter("output", usage.output),
    total: counter("total", usage.total),
    extra,
  }
}

/** A plain object (for inputs). */
export function checkObject(field: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ValidationError(field, "must be an object", { received: describe(value) })
  }
  return value as Record<string, unknown>
}

/** Rejects keys a caller may not set. */
export function checkKeys(
  field: string,
  value: Record<string, unknown>,
  allowed: readonly string[],
) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new ValidationError(`${field}.${key}`, "is not a known field")
  }
}

/** A short description of a bad value for error details, never the value itself when large. */
export function describe(value: unknown): string {
  if (value === null) return "null"
  if (Array.isArray(value)) return "array"
  if (typeof value === "string") return value.length > 40 ? "string (long)" : JSON.stringify(value)
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  return typeof value
}
