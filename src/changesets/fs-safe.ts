import type { Stats } from "node:fs"
import { lstat, mkdir, open, readdir, readFile, rename, rmdir, unlink } from "node:fs/promises"
import { dirname, join } from "node:path"
import { ConflictError, ValidationError } from "../core/errors.js"
import { nodeCrypto } from "../core/node-crypto.js"

/** Prefix of the temp files an atomic write leaves behind if it is killed. */
export const TEMP_PREFIX = ".agentstore-tmp-"

/** A workspace path checked component by component, with what is there now. */
export interface Target {
  rel: string
  abs: string
  /** `null`: nothing at this path (or a parent is missing). */
  stat: Stats | null
}

/** SHA-256 hex of bytes. */
export function sha256(bytes: Uint8Array | string): string {
  return nodeCrypto().createHash("sha256").update(bytes).digest("hex")
}

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null
    throw error
  }
}

/**
 * Resolves a normalised relative path under `root` without following any symlink: each
 * component is checked with `lstat`; a symlink anywhere (dangling, or the last component) is a
 * `ValidationError`, a non-directory parent or a non-file target a `ConflictError`.
 */
export async function resolveTarget(root: string, rel: string): Promise<Target> {
  const parts = rel.split("/")
  let abs = root
  for (let i = 0; i < parts.length; i++) {
    abs = join(abs, parts[i] as string)
    const stat = await lstatOrNull(abs)
    if (stat === null) return { rel, abs: join(root, ...parts), stat: null }
    if (stat.isSymbolicLink()) {
      throw new ValidationError("path", "passes through a symbolic link", { path: rel })
    }
    const last = i === parts.length - 1
    if (!last && !stat.isDirectory()) {
      throw new ConflictError(`${parts.slice(0, i + 1).join("/")} is not a directory`, {
        path: rel,
      })
    }
    if (last && !stat.isFile())
      throw new ConflictError(`${rel} is not a regular file`, { path: rel })
    if (last) return { rel, abs, stat }
  }
  throw new ValidationError("path", "is empty")
}

/** Hash of what is at a target now, `null` when nothing is. */
export async function currentHash(target: Target): Promise<string | null> {
  return target.stat === null ? null : sha256(await readFile(target.abs))
}

/** Creates the missing parent directories of `rel`, refusing symlinks; returns those created. */
export async function makeParents(root: string, rel: string): Promise<string[]> {
  const parts = rel.split("/").slice(0, -1)
  const created: string[] = []
  let abs = root
  for (const part of parts) {
    abs = join(abs, part)
    const stat = await lstatOrNull(abs)
    if (stat === null) {
      await mkdir(abs)
      await fsyncDir(dirname(abs))
      created.push(abs)
    } else if (stat.isSymbolicLink() || !stat.isDirectory()) {
      throw new ConflictError(`a parent of ${rel} is not a directory`, { path: rel })
    }
  }
  return created
}

/** Flushes a directory's entries (a rename or unlink in it) to disk. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r")
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Writes a file atomically: temp file in the same directory → fsync → rename → fsync dir. With
 * `dirs`, the directory is added to that set instead of synced, for one `fsyncDirs` at the end.
 */
export async function writeAtomic(
  abs: string,
  bytes: Uint8Array,
  mode: number,
  beforeRename?: () => void,
  dirs?: Set<string>,
): Promise<void> {
  const dir = dirname(abs)
  const temp = join(dir, `${TEMP_PREFIX}${nodeCrypto().randomBytes(8).toString("hex")}`)
  const handle = await open(temp, "wx", mode)
  try {
    await handle.writeFile(bytes)
    await handle.chmod(mode)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    beforeRename?.()
    await rename(temp, abs)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
  if (dirs) dirs.add(dir)
  else await fsyncDir(dir)
}

/** Flushes each directory of a set once. */
export async function fsyncDirs(dirs: Set<string>): Promise<void> {
  for (const dir of dirs) await fsyncDir(dir)
  dirs.clear()
}

/** Removes a file and flushes its directory (or adds it to `dirs`); a missing file is fine. */
export async function removeFile(abs: string, dirs?: Set<string>): Promise<void> {
  try {
    await unlink(abs)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return
    throw error
  }
  if (dirs) dirs.add(dirname(abs))
  else await fsyncDir(dirname(abs))
}

/** Removes directories created by an apply that was undone, deepest first, if empty. */
export async function removeDirs(dirs: readonly string[]): Promise<void> {
  for (const dir of [...dirs].reverse()) await rmdir(dir).catch(() => undefined)
}

/** Deletes temp files a killed write left in `dir`. */
export async function sweepTemps(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    if (name.startsWith(TEMP_PREFIX)) await unlink(join(dir, name)).catch(() => undefined)
  }
}
