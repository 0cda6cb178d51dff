import { ValidationError } from "../core/errors.js"
import { describe } from "../core/validation.js"

/** Longest artifact handle, in characters. */
const MAX_HANDLE_LENGTH = 256

const HANDLE = /^[A-Za-z0-9_][A-Za-z0-9._:@+=~-]*$/

/**
 * An artifact handle, checked on every call that takes one (not only on put): 1–256 characters of
 * letters, digits and `_ . : @ + = ~ -`, not starting with a symbol other than `_`. So `.`, `..`,
 * `/`, `\`, `%` (no `%2e%2e`), NUL, control characters, spaces and over-long names are all
 * `ValidationError`s. Handles are database keys, never file names; blob files are named by hash.
 */
export function checkHandle(value: unknown, field = "handle"): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new ValidationError(field, "must be a non-empty string", { received: describe(value) })
  }
  if (value.length > MAX_HANDLE_LENGTH) {
    throw new ValidationError(field, `must be at most ${MAX_HANDLE_LENGTH} characters`)
  }
  if (value === "." || value === "..") throw new ValidationError(field, "must not be . or ..")
  if (/[/\\]/.test(value)) throw new ValidationError(field, "must not contain / or \\")
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) {
    throw new ValidationError(field, "must not contain NUL or other control characters")
  }
  if (!HANDLE.test(value)) {
    throw new ValidationError(
      field,
      "must be letters, digits and _ . : @ + = ~ - (not starting with a symbol other than _)",
      { received: describe(value) },
    )
  }
  return value
}

const MEDIA_TYPE =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\s*;\s*[^\u0000-\u001f\u007f]*)?$/

/** A media type such as `text/csv` or `application/json; charset=utf-8` (at most 255 characters). */
export function checkMediaType(value: unknown, field = "mediaType"): string {
  if (typeof value !== "string" || value.length > 255 || !MEDIA_TYPE.test(value)) {
    throw new ValidationError(
      field,
      "must be a media type such as text/plain or application/json",
      {
        received: describe(value),
      },
    )
  }
  return value
}
