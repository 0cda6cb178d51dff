import { ValidationError } from "../core/errors.js"

/** Longest normalised path accepted, in UTF-16 code units. */
const MAX_PATH_LENGTH = 4096
const MAX_SEGMENT_BYTES = 255
const CONTROL = /[\u0000-\u001f\u007f]/
const ENCODED_DOT_OR_SEP = /%(2e|2f|5c|00)/i
const DRIVE = /^[A-Za-z]:/

/**
 * Normalises a workspace path to relative POSIX form (`src/a.ts`): drops `.` segments and
 * repeated or trailing slashes. Rejects with `ValidationError` anything that is empty, absolute
 * (`/x`, `C:x`), escaping or ambiguous (`..` anywhere, `%2e%2e`, `%2f`), holds a backslash,
 * NUL or another control character, or a lone surrogate, or is over-long.
 * @example
 * normalizePath("path", "./src//a.ts") // "src/a.ts"
 */
export function normalizePath(field: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new ValidationError(field, "must be a non-empty relative path")
  }
  const reject = (why: string) => {
    throw new ValidationError(field, why, { received: value.slice(0, 200) })
  }
  if (value.length > MAX_PATH_LENGTH) reject(`must be at most ${MAX_PATH_LENGTH} characters`)
  if (CONTROL.test(value)) reject("must not contain NUL or control characters")
  if (!value.isWellFormed()) reject("must not contain lone surrogates")
  if (value.includes("\\")) reject("must use '/' separators, not backslashes")
  if (value.startsWith("/") || DRIVE.test(value)) reject("must be relative, not absolute")
  if (ENCODED_DOT_OR_SEP.test(value)) reject("must not hold percent-encoded dots or separators")
  const segments: string[] = []
  for (const segment of value.split("/")) {
    if (segment === "" || segment === ".") continue
    if (segment === "..") reject("must not contain '..' segments")
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      reject(`segments must be at most ${MAX_SEGMENT_BYTES} bytes`)
    }
    segments.push(segment)
  }
  if (segments.length === 0) reject("must name a file, not the workspace root")
  return segments.join("/")
}

/** Like `normalizePath`, for optional fields: `undefined` and `null` give `null`. */
export function optionalPath(field: string, value: unknown): string | null {
  return value === undefined || value === null ? null : normalizePath(field, value)
}

/**
 * Permission bits a change may set: `0` to `0o777`. Setuid, setgid and sticky bits are refused
 * everywhere (recording, import, apply): a reviewed plan must never create a privileged file.
 */
export function checkMode(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > 0o7777) {
    throw new ValidationError(field, "must be permission bits between 0 and 0o777")
  }
  if (value > 0o777) {
    throw new ValidationError(field, "must not set the setuid, setgid or sticky bit", {
      mode: value,
    })
  }
  return value
}
