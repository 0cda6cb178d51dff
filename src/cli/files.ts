import { constants } from "node:fs"
import { open } from "node:fs/promises"
import { dirname, resolve } from "node:path"
import type { Readable, Writable } from "node:stream"
import { NotFoundError, ValidationError } from "../core/errors.js"
import type { CliIo } from "./io.js"

/**
 * The typed error for a file the CLI could not open: `NOT_FOUND` (exit 3) when it or its
 * directory does not exist, `VALIDATION` (exit 2) when it cannot be used (a directory, no
 * permission). Both name the path the person typed, resolved.
 */
export function fileError(error: unknown, path: string, writing: boolean): Error {
  const code = (error as NodeJS.ErrnoException)?.code
  if (code === "ENOENT" || code === "ENOTDIR") {
    return writing
      ? new NotFoundError("directory", dirname(path), { path })
      : new NotFoundError("file", path, { path })
  }
  const why =
    code === "EACCES" || code === "EPERM"
      ? "permission denied"
      : code === "EISDIR"
        ? "is a directory"
        : (code ?? "cannot be opened")
  return new ValidationError(path, why, { path })
}

/** Opens `file` (relative to the command's directory) for reading, or throws a typed error. */
export async function openInput(io: CliIo, file: string): Promise<Readable> {
  const path = resolve(io.cwd ?? process.cwd(), file)
  try {
    const handle = await open(path, constants.O_RDONLY)
    return handle.createReadStream({ highWaterMark: 1 << 20 })
  } catch (error) {
    throw fileError(error, path, false)
  }
}

/** Creates (or truncates) `path` for writing, or throws a typed error naming it. */
export async function openOutput(path: string, shown = path): Promise<Writable> {
  try {
    const handle = await open(path, "w")
    return handle.createWriteStream()
  } catch (error) {
    throw fileError(error, shown, true)
  }
}

/** True for the error a write raises once the reader of a pipe has gone (`cmd | head`). */
export function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === "EPIPE"
}
