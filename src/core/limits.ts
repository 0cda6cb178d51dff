import { ValidationError } from "./errors.js"

/**
 * Size limits on what one call may store, in UTF-8 bytes of the JSON text the store writes
 * (a string counts with its quotes and escapes: `"\u0000"` is 6 bytes). Anything bigger belongs
 * in an artifact (`store.artifacts.put`), which streams, is stored once per content, and can be
 * read in slices; a transcript or event then carries its handle.
 */
export interface StoreLimits {
  /** A message's `content`. Default 4 MiB. */
  messageBytes?: number
  /** An event's `data`, and its `text`, each; also a tool call's `arguments`, `result`, `error`. Default 4 MiB. */
  eventBytes?: number
  /** Any `metadata` object (session, message) and a tool call's `providerMetadata`. Default 256 KiB. */
  metadataBytes?: number
}

/**
 * The defaults. 4 MiB of text is about a million tokens, more than any model reads or writes in
 * one message today (a typical message is under 100 KiB), yet small enough that one row never
 * strains a database round trip or the process's memory. Metadata holds labels and settings;
 * 256 KiB leaves room for a long system prompt kept there.
 */
export const DEFAULT_STORE_LIMITS: Readonly<Required<StoreLimits>> = Object.freeze({
  messageBytes: 4 * 2 ** 20,
  eventBytes: 4 * 2 ** 20,
  metadataBytes: 256 * 2 ** 10,
})

/** The largest value a limit may be set to: 256 MiB (both databases take far larger rows). */
export const MAX_LIMIT_BYTES = 256 * 2 ** 20

const LIMIT_KEYS = Object.keys(DEFAULT_STORE_LIMITS) as (keyof StoreLimits)[]

/** The defaults with the caller's overrides, checked: each an integer from 1 to 256 MiB. */
export function resolveLimits(limits: StoreLimits | undefined): Readonly<Required<StoreLimits>> {
  if (limits === undefined) return DEFAULT_STORE_LIMITS
  if (limits === null || typeof limits !== "object" || Array.isArray(limits)) {
    throw new ValidationError("limits", "must be an object of byte counts")
  }
  const resolved = { ...DEFAULT_STORE_LIMITS }
  for (const [key, value] of Object.entries(limits)) {
    if (!LIMIT_KEYS.includes(key as keyof StoreLimits)) {
      throw new ValidationError(`limits.${key}`, `is not a limit (${LIMIT_KEYS.join(", ")})`)
    }
    if (value === undefined) continue
    if (!Number.isSafeInteger(value) || value < 1 || value > MAX_LIMIT_BYTES) {
      throw new ValidationError(`limits.${key}`, `must be an integer from 1 to ${MAX_LIMIT_BYTES}`)
    }
    resolved[key as keyof StoreLimits] = value
  }
  return Object.freeze(resolved)
}

/**
 * Refuses `encoded` (the text about to be stored) when it is over `max` UTF-8 bytes; `limit`
 * names the setting, so the error says what to raise. Returns `encoded`.
 */
export function checkBytes(
  field: string,
  encoded: string,
  max: number,
  limit: keyof StoreLimits,
): string {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short texts need no count.
  if (encoded.length * 3 <= max) return encoded
  const bytes = Buffer.byteLength(encoded, "utf8")
  if (bytes > max) {
    throw new ValidationError(
      field,
      `is ${bytes} bytes as stored, over the limit of ${max} (limits.${limit}); store large content as an artifact`,
      { bytes, limit: max, setting: `limits.${limit}` },
    )
  }
  return encoded
}
