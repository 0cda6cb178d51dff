import { constants, type Stats } from "node:fs"
import { type FileHandle, lstat, mkdir, open } from "node:fs/promises"
import { join } from "node:path"
import { IntegrityError, UnavailableError } from "../core/errors.js"

/** Prefix of every temporary file a put writes; leftovers are removed by `sweep`. */
export const TEMP_PREFIX = ".agentstore-tmp-"
/** Infix of a blob that a collection set aside before deleting it. */
export const GC_INFIX = ".agentstore-gc-"
/** Directory (under the blob root) that holds temporary files. */
export const TEMP_DIR = "tmp"

/** `O_RDONLY | O_NOFOLLOW`: opening a symlink fails instead of reading its target. */
export const READ_NOFOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW
/** Exclusive create that never follows a symlink (`O_EXCL` refuses any existing path). */
export const CREATE_EXCLUSIVE =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW

/** The shard directories and file name of a blob: `ab/cd/<sha>`. */
export function shardOf(sha256: string): [string, string, string] {
  return [sha256.slice(0, 2), sha256.slice(2, 4), sha256]
}

/** `lstat` that answers `undefined` for a missing path. */
export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path)
  } catch (error) {
    if (isCode(error, "ENOENT")) return undefined
    throw ioError(error, path)
  }
}

/**
 * Walks `parts` below `root`, refusing symlinks and non-directories on the way, so nothing outside
 * the root is reached. With `create`, missing directories are made (and their parents fsynced);
 * without it, a missing directory answers `undefined`.
 */
export async function safeDir(
  root: string,
  parts: readonly string[],
  create: boolean,
): Promise<string | undefined> {
  let dir = root
  for (const part of parts) {
    const next = join(dir, part)
    const stats = await lstatOrUndefined(next)
    if (stats === undefined) {
      if (!create) return undefined
      try {
        await mkdir(next)
      } catch (error) {
        if (!isCode(error, "EEXIST")) throw ioError(error, next)
      }
      const made = await lstat(next)
      if (!made.isDirectory() || made.isSymbolicLink()) throw notADirectory(next)
      await fsyncDir(dir)
    } else if (stats.isSymbolicLink() || !stats.isDirectory()) {
      throw notADirectory(next)
    }
    dir = next
  }
  return dir
}

/** Flushes a directory's entries (a rename or create in it) to disk. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW)
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Writes all of `bytes`: `write(2)` may write fewer bytes than asked (a disk filling up does), so
 * it loops until everything is written or the file system raises (`ENOSPC`). A write that makes no
 * progress is treated as a full disk rather than retried forever.
 */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset)
    if (bytesWritten <= 0)
      throw Object.assign(new Error("write made no progress"), { code: "ENOSPC" })
    offset += bytesWritten
  }
}

/** True when a Node error has one of the given codes. */
export function isCode(error: unknown, ...codes: string[]): boolean {
  const code = (error as { code?: unknown })?.code
  return typeof code === "string" && codes.includes(code)
}

/** Codes of a full disk: no space, a quota, a file-size limit. */
export const DISK_FULL_CODES = ["ENOSPC", "EDQUOT", "EFBIG"] as const
/** Codes of a file system that cannot be written. */
export const UNUSABLE_CODES = ["EACCES", "EPERM", "EROFS", "EIO"] as const

/** Maps filesystem errors to store errors (disk full → `UnavailableError`, symlink → `IntegrityError`). */
export function ioError(error: unknown, path: string): unknown {
  if (isCode(error, ...DISK_FULL_CODES)) {
    return new UnavailableError("the disk is full; the blob was not stored", { path }, error)
  }
  if (isCode(error, "ELOOP", "EMLINK")) {
    return new IntegrityError("a blob path is a symlink; it is not followed", { path }, error)
  }
  if (isCode(error, ...UNUSABLE_CODES)) {
    return new UnavailableError(
      `the blob store cannot be used: ${(error as Error).message}`,
      { path },
      error,
    )
  }
  return error
}

function notADirectory(path: string): IntegrityError {
  return new IntegrityError("a blob store directory is a symlink or not a directory", { path })
}
