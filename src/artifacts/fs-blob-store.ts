import { createHash, randomBytes } from "node:crypto"
import type { Dirent } from "node:fs"
import { mkdir, open, readdir, realpath, rename, unlink, utimes } from "node:fs/promises"
import { join } from "node:path"
import { IntegrityError, NotFoundError } from "../core/errors.js"
import { faultPoint } from "../core/fault-points.js"
import { checkSha256, chunksOf, collectBytes, resolveRange } from "./blob-input.js"
import {
  type BlobEntry,
  type BlobInput,
  type BlobStore,
  type ByteRange,
  type CollectOptions,
  isSha256,
} from "./blob-store.js"
import {
  CREATE_EXCLUSIVE,
  fsyncDir,
  GC_INFIX,
  ioError,
  isCode,
  lstatOrUndefined,
  READ_NOFOLLOW,
  safeDir,
  shardOf,
  TEMP_DIR,
  TEMP_PREFIX,
  writeAll,
} from "./fs-paths.js"

const READ_CHUNK = 1 << 20
const HEX2 = /^[0-9a-f]{2}$/

/** How to open a filesystem blob store. */
export interface FsBlobStoreConfig {
  /** The blob root (`<store dir>/blobs`). Created when missing. */
  root: string
}

/**
 * Opens the filesystem blob store: `<root>/ab/cd/<sha256>`. A put streams into
 * `<root>/tmp/.agentstore-tmp-*`, fsyncs, renames into place and fsyncs the directory.
 * Symlinks below the root are never followed (S5): a symlinked shard directory or blob file is an
 * `IntegrityError`, never a read or write elsewhere.
 * @example
 * const blobs = await createFsBlobStore({ root: "./.agentstore/blobs" })
 * const { sha256 } = await blobs.put("hello")
 */
export async function createFsBlobStore(config: FsBlobStoreConfig): Promise<BlobStore> {
  await mkdir(config.root, { recursive: true })
  const root = await realpath(config.root)
  const file = async (sha: string, create: boolean) => {
    const [a, b, name] = shardOf(sha)
    const dir = await safeDir(root, [a, b], create)
    return dir === undefined ? undefined : { dir, path: join(dir, name) }
  }
  const regular = async (sha: string) => {
    const at = await file(sha, false)
    const stats = at && (await lstatOrUndefined(at.path))
    if (!at || !stats) return undefined
    if (!stats.isFile())
      throw new IntegrityError("a blob file is a symlink or not a file", { sha256: sha })
    return { ...at, stats }
  }

  const store: BlobStore = {
    kind: "fs",
    put: (data) => putBlob(root, data, file),
    get: (sha) => collectBytes(store.stream(sha)),
    stream: (sha, range) => streamBlob(sha, range, file),
    async stat(sha) {
      const found = await regular(checkSha256(sha))
      return found && { sha256: sha, size: found.stats.size, modifiedAt: found.stats.mtimeMs }
    },
    async has(sha) {
      return (await store.stat(sha)) !== undefined
    },
    async delete(sha) {
      const found = await regular(checkSha256(sha))
      if (!found) return false
      await unlink(found.path)
      await fsyncDir(found.dir)
      return true
    },
    async collect(sha, options) {
      const found = await regular(checkSha256(sha))
      if (!found || found.stats.mtimeMs >= options.olderThan) return false
      if (await options.isReferenced(sha)) return false
      return collectFile(found.dir, found.path, sha, options)
    },
    list: () => listBlobs(root),
    sweep: (olderThan) => sweepLeftovers(root, olderThan),
  }
  return store
}

type Locate = (sha: string, create: boolean) => Promise<{ dir: string; path: string } | undefined>

async function putBlob(root: string, data: BlobInput, locate: Locate) {
  const tmpDir = (await safeDir(root, [TEMP_DIR], true)) as string
  const tmp = join(tmpDir, `${TEMP_PREFIX}${process.pid}-${randomBytes(8).toString("hex")}`)
  const hash = createHash("sha256")
  let size = 0
  try {
    const handle = await open(tmp, CREATE_EXCLUSIVE, 0o644)
    try {
      for await (const chunk of chunksOf(data)) {
        hash.update(chunk)
        size += chunk.byteLength
        await writeAll(handle, chunk)
      }
      await handle.sync()
    } finally {
      await handle.close()
    }
    faultPoint("blob:after-temp-write")
    const sha256 = hash.digest("hex")
    const at = (await locate(sha256, true)) as { dir: string; path: string }
    const existing = await lstatOrUndefined(at.path)
    if (existing && !existing.isFile()) {
      throw new IntegrityError("a blob file is a symlink or not a file", { sha256 })
    }
    await rename(tmp, at.path)
    faultPoint("blob:after-rename")
    await fsyncDir(at.dir)
    return { sha256, size }
  } catch (error) {
    await unlink(tmp).catch(() => undefined)
    throw ioError(error, tmp)
  }
}

async function* streamBlob(
  sha: string,
  range: ByteRange | undefined,
  locate: Locate,
): AsyncGenerator<Uint8Array> {
  const at = await locate(checkSha256(sha), false)
  if (!at) throw new NotFoundError("blob", sha)
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(at.path, READ_NOFOLLOW)
  } catch (error) {
    if (isCode(error, "ENOENT")) throw new NotFoundError("blob", sha)
    throw ioError(error, at.path)
  }
  try {
    const stats = await handle.stat()
    if (!stats.isFile()) throw new IntegrityError("a blob path is not a file", { sha256: sha })
    const [start, end] = resolveRange(range, stats.size)
    const whole = start === 0 && end === stats.size
    const hash = whole ? createHash("sha256") : undefined
    for (let position = start; position < end; ) {
      const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, end - position))
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position)
      if (bytesRead === 0)
        throw new IntegrityError("a blob file is shorter than it was", { sha256: sha })
      const chunk = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead)
      hash?.update(chunk)
      position += bytesRead
      yield chunk
    }
    if (hash && hash.digest("hex") !== sha) {
      throw new IntegrityError("a blob does not match its SHA-256", { sha256: sha })
    }
  } finally {
    await handle.close()
  }
}

async function collectFile(dir: string, path: string, sha: string, options: CollectOptions) {
  const doomed = `${path}${GC_INFIX}${randomBytes(6).toString("hex")}`
  try {
    await rename(path, doomed)
  } catch (error) {
    if (isCode(error, "ENOENT")) return false
    throw error
  }
  const stats = await lstatOrUndefined(doomed)
  const keep =
    stats === undefined || stats.mtimeMs >= options.olderThan || (await options.isReferenced(sha))
  if (keep) {
    if (stats) await restore(doomed, path)
    return false
  }
  await unlink(doomed)
  await fsyncDir(dir)
  return true
}

async function restore(doomed: string, path: string): Promise<void> {
  await rename(doomed, path)
  const now = new Date()
  await utimes(path, now, now)
}

async function* listBlobs(root: string): AsyncGenerator<BlobEntry> {
  for (const [dir, entry] of await shardFiles(root)) {
    if (!entry.isFile() || !isSha256(entry.name)) continue
    const stats = await lstatOrUndefined(join(dir, entry.name))
    if (stats?.isFile()) yield { sha256: entry.name, size: stats.size, modifiedAt: stats.mtimeMs }
  }
}

async function shardFiles(root: string): Promise<[string, Dirent][]> {
  const found: [string, Dirent][] = []
  for (const a of await readdir(root, { withFileTypes: true })) {
    if (!a.isDirectory() || !HEX2.test(a.name)) continue
    for (const b of await readdir(join(root, a.name), { withFileTypes: true })) {
      if (!b.isDirectory() || !HEX2.test(b.name)) continue
      const dir = join(root, a.name, b.name)
      for (const entry of await readdir(dir, { withFileTypes: true })) found.push([dir, entry])
    }
  }
  return found
}

async function sweepLeftovers(root: string, olderThan: number): Promise<number> {
  let removed = 0
  const tmpDir = await safeDir(root, [TEMP_DIR], false)
  if (tmpDir) {
    for (const entry of await readdir(tmpDir, { withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.startsWith(TEMP_PREFIX)) continue
      const path = join(tmpDir, entry.name)
      const stats = await lstatOrUndefined(path)
      if (stats && stats.mtimeMs < olderThan) {
        await unlink(path).catch(() => undefined)
        removed++
      }
    }
  }
  for (const [dir, entry] of await shardFiles(root)) {
    const at = entry.name.indexOf(GC_INFIX)
    if (!entry.isFile() || at !== 64 || !isSha256(entry.name.slice(0, 64))) continue
    const path = join(dir, entry.name.slice(0, 64))
    if ((await lstatOrUndefined(path)) === undefined) await restore(join(dir, entry.name), path)
    else await unlink(join(dir, entry.name)).catch(() => undefined)
    removed++
  }
  return removed
}
