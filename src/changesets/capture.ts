import type { Dirent } from "node:fs"
import { join } from "node:path"
import { ValidationError } from "../core/errors.js"
import type { ChangeOp } from "./types.js"

/** One regular file of a snapshot. */
export interface SnapshotFile {
  sha256: string
  size: number
  mode: number
  bytes: Uint8Array
}

/** The regular files of a workspace at one moment, by relative POSIX path. */
export interface Snapshot {
  root: string
  files: Map<string, SnapshotFile>
  /** Paths left out because they are larger than `maxFileBytes`. */
  skipped: string[]
}

/** Limits of a snapshot. */
export interface SnapshotOptions {
  /** Files larger than this are skipped and listed in `skipped`. Default 16 MiB. */
  maxFileBytes?: number
  /** A workspace holding more than this in files is refused (`ValidationError`). Default 256 MiB. */
  maxTotalBytes?: number
  /** Directory or file names never entered. Default `[".git"]`. */
  ignoreNames?: readonly string[]
}

/** A change found by comparing two snapshots, ready for `plans.record`. */
export interface CapturedChange {
  path: string
  op: ChangeOp
  oldPath?: string
  before?: Uint8Array
  after?: Uint8Array
  mode?: number
}

/**
 * Reads every regular file of a workspace (symlinks and `.git` are skipped, never followed),
 * keeping contents in memory within the size caps, to compare after an agent run.
 * @example
 * const before = await snapshotWorkspace(dir)
 * await runAgent(dir)
 * await store.plans.record(plan.id, compareSnapshots(before, await snapshotWorkspace(dir)))
 */
export async function snapshotWorkspace(
  dir: string,
  options: SnapshotOptions = {},
): Promise<Snapshot> {
  const maxFile = options.maxFileBytes ?? 16 * 1024 * 1024
  const maxTotal = options.maxTotalBytes ?? 256 * 1024 * 1024
  const ignore = new Set(options.ignoreNames ?? [".git"])
  const [{ lstat, readdir, readFile, realpath }, { sha256 }] = await Promise.all([
    import("node:fs/promises"),
    import("./fs-safe.js"),
  ])
  const snapshot: Snapshot = { root: await realpath(dir), files: new Map(), skipped: [] }
  let total = 0
  const walk = async (abs: string, rel: string): Promise<void> => {
    const entries: Dirent[] = await readdir(abs, { withFileTypes: true })
    entries.sort((a, b) => (a.name < b.name ? -1 : 1))
    for (const entry of entries) {
      if (ignore.has(entry.name)) continue
      const childAbs = join(abs, entry.name)
      const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`
      if (entry.isDirectory()) await walk(childAbs, childRel)
      if (!entry.isFile()) continue
      const info = await lstat(childAbs)
      if (info.size > maxFile) {
        snapshot.skipped.push(childRel)
        continue
      }
      total += info.size
      if (total > maxTotal) {
        throw new ValidationError("workspace", `holds more than ${maxTotal} bytes of files`)
      }
      const bytes = await readFile(childAbs)
      snapshot.files.set(childRel, {
        sha256: sha256(bytes),
        size: bytes.byteLength,
        mode: info.mode & 0o777,
        bytes,
      })
    }
  }
  await walk(snapshot.root, "")
  return snapshot
}

/**
 * The changes that turn `before` into `after`: creates, modifies (content or mode), deletes, and a
 * rename where a deleted file's exact content reappears under one new path. Sorted by path.
 */
export function compareSnapshots(before: Snapshot, after: Snapshot): CapturedChange[] {
  const skipped = new Set([...before.skipped, ...after.skipped])
  const created: string[] = []
  const deleted = new Map<string, string[]>()
  const out: CapturedChange[] = []
  for (const [path, file] of before.files) {
    if (skipped.has(path)) continue
    const now = after.files.get(path)
    if (!now) deleted.set(file.sha256, [...(deleted.get(file.sha256) ?? []), path])
    else if (now.sha256 !== file.sha256 || now.mode !== file.mode) {
      out.push({ path, op: "modify", before: file.bytes, after: now.bytes, mode: now.mode })
    }
  }
  for (const path of after.files.keys()) {
    if (!before.files.has(path) && !skipped.has(path)) created.push(path)
  }
  for (const path of created) {
    const file = after.files.get(path) as SnapshotFile
    const from = deleted.get(file.sha256)?.shift()
    if (from !== undefined) {
      const old = before.files.get(from) as SnapshotFile
      out.push({
        path,
        op: "rename",
        oldPath: from,
        before: old.bytes,
        after: file.bytes,
        mode: file.mode,
      })
    } else out.push({ path, op: "create", after: file.bytes, mode: file.mode })
  }
  for (const path of [...deleted.values()].flat()) {
    out.push({ path, op: "delete", before: (before.files.get(path) as SnapshotFile).bytes })
  }
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))
}
