import type { StoreContext } from "./context.js"
import { IntegrityError, ValidationError } from "./errors.js"
import { checkBytes } from "./limits.js"
import type { Json, JsonObject } from "./types.js"

/** Deepest nesting a JSON payload may have. */
export const MAX_JSON_DEPTH = 128

/**
 * Encodes a payload as JSON text after checking that it round-trips exactly:
 * no BigInt, functions, symbols, cycles, NaN/Infinity, class instances or array holes.
 * Strings may hold any code unit (U+0000 and lone surrogates are escaped by JSON).
 */
export function encodeJson(field: string, value: unknown): string {
  checkJson(field, value, 0, [])
  return JSON.stringify(value)
}

/** Encodes a payload that must be a JSON object (metadata). */
export function encodeObject(field: string, value: unknown): string {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ValidationError(field, "must be a JSON object")
  }
  return encodeJson(field, value)
}

/** Encodes an optional metadata object (`{}` when absent) within `limits.metadataBytes`. */
export function encodeMetadata(
  ctx: Pick<StoreContext, "limits">,
  field: string,
  value: unknown,
): string {
  if (value === undefined) return "{}"
  return checkMetadataBytes(ctx, field, encodeObject(field, value))
}

/** Refuses encoded metadata over `limits.metadataBytes`. */
export function checkMetadataBytes(
  ctx: Pick<StoreContext, "limits">,
  field: string,
  encoded: string,
): string {
  return checkBytes(field, encoded, ctx.limits.metadataBytes, "metadataBytes")
}

function checkJson(path: string, value: unknown, depth: number, ancestors: object[]): void {
  switch (typeof value) {
    case "string":
    case "boolean":
      return
    case "number":
      if (!Number.isFinite(value)) throw new ValidationError(path, "must be a finite number")
      return
    case "object":
      break
    default:
      throw new ValidationError(path, `cannot store a ${typeof value} as JSON`)
  }
  if (value === null) return
  if (depth >= MAX_JSON_DEPTH)
    throw new ValidationError(path, `nests deeper than ${MAX_JSON_DEPTH}`)
  if (ancestors.includes(value)) throw new ValidationError(path, "contains a cycle")
  ancestors.push(value)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || value[i] === undefined) {
        throw new ValidationError(`${path}[${i}]`, "arrays cannot hold undefined or holes")
      }
      checkJson(`${path}[${i}]`, value[i], depth + 1, ancestors)
    }
  } else {
    const proto = Object.getPrototypeOf(value)
    if (proto !== Object.prototype && proto !== null) {
      throw new ValidationError(
        path,
        "must be a plain object (Date, Map, class instances are not JSON)",
      )
    }
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key]
      if (child !== undefined) checkJson(`${path}.${key}`, child, depth + 1, ancestors)
    }
  }
  ancestors.pop()
}

/** Where a stored value came from, for integrity errors. */
export interface StoredAt {
  table: string
  column: string
  id: string
}

/** Decodes stored JSON text; corrupt text raises `IntegrityError`, never an empty value. */
export function decodeJson(text: unknown, at: StoredAt): Json {
  if (typeof text !== "string") {
    throw new IntegrityError(`corrupt ${at.table}.${at.column} for ${at.id}: not text`, { ...at })
  }
  try {
    return JSON.parse(text) as Json
  } catch (cause) {
    throw new IntegrityError(
      `corrupt ${at.table}.${at.column} for ${at.id}: invalid JSON`,
      { ...at },
      cause,
    )
  }
}

/** Decodes stored JSON text that must be an object. */
export function decodeObject(text: unknown, at: StoredAt): JsonObject {
  if (text === "{}") return {}
  const value = decodeJson(text, at)
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new IntegrityError(`corrupt ${at.table}.${at.column} for ${at.id}: not an object`, {
      ...at,
    })
  }
  return value
}

/** Decodes a nullable JSON column. */
export function decodeNullable(text: unknown, at: StoredAt): Json | null {
  return text === null ? null : decodeJson(text, at)
}
