import { DISK_FULL_CODES, isCode, UNUSABLE_CODES } from "../artifacts/fs-paths.js"
import { AgentStoreError, UnavailableError } from "../core/errors.js"

/**
 * Maps a file-system error met while writing a bundle or import staging to a store error: a full
 * disk (`ENOSPC`, a quota, a file-size limit) or an unusable one is `UnavailableError`, with the
 * system error as `cause`. Anything else is returned as it is.
 */
export function fileError(error: unknown, what: string): unknown {
  if (error instanceof AgentStoreError) return error
  const code = (error as { code?: unknown })?.code
  if (typeof code !== "string") return error
  const details = { code, ...pathOf(error) }
  if (isCode(error, ...DISK_FULL_CODES)) {
    return new UnavailableError(`the disk is full; ${what} was not written`, details, error)
  }
  if (isCode(error, ...UNUSABLE_CODES)) {
    return new UnavailableError(`${what} cannot be written (${code})`, details, error)
  }
  return error
}

function pathOf(error: unknown): { path?: string } {
  const path = (error as { path?: unknown }).path
  return typeof path === "string" ? { path } : {}
}
