import type { Stats } from "node:fs"
import { readFile, realpath, stat } from "node:fs/promises"
import { dirname } from "node:path"
import { ConflictError, IntegrityError, ValidationError } from "../core/errors.js"
import { faultPoint } from "../core/fault-points.js"
import {
  currentHash,
  fsyncDirs,
  makeParents,
  removeDirs,
  removeFile,
  resolveTarget,
  sha256,
  sweepTemps,
  type Target,
  writeAtomic,
} from "./fs-safe.js"
import { checkMode, normalizePath } from "./paths.js"
import { mapPool } from "./pool.js"
import type { ChangeRef, ContentSource } from "./types.js"

/** What an apply in progress wrote down before touching the workspace. */
export interface JournalRecord {
  /** The workspace's real path. */
  workspace: string
  changes: ChangeRef[]
}

/**
 * Durable memory of an apply in progress, so a killed apply can be finished. `save` runs before
 * the first write, `finish` after the last (and should also mark the work done, atomically),
 * `abort` after a failed apply was rolled back.
 */
export interface ApplyJournal {
  load(): Promise<JournalRecord | undefined>
  save(record: JournalRecord): Promise<void>
  finish(): Promise<void>
  abort(): Promise<void>
}

/** How to apply. */
export interface ApplyOptions {
  /** Check and report only; touch nothing. */
  dryRun?: boolean
  /** Apply even where the workspace no longer matches the recorded base. */
  force?: boolean
  content: ContentSource
  journal: ApplyJournal
}

/** One line of an apply report. */
export interface ApplyEntry {
  path: string
  op: ChangeRef["op"]
  oldPath: string | null
  /** The workspace no longer matches the recorded base at this path (or at `oldPath`). */
  conflict: boolean
}

/** What an apply did, or would do. */
export interface ApplyReport {
  dryRun: boolean
  applied: boolean
  /** An earlier, interrupted apply was finished from its journal. */
  resumed: boolean
  entries: ApplyEntry[]
  conflicts: string[]
}

interface Planned {
  change: ChangeRef
  target: Target
  source: Target | null
  after: Uint8Array | null
  conflict: boolean
}

/**
 * Applies net changes to a workspace directory. Refuses with `ConflictError` (listing every
 * path in `details.paths`) when the workspace no longer matches the recorded base, unless
 * `force`. Writes each file atomically; when a write fails, restores every file already changed.
 * Never follows a symlink. The journal makes a killed apply finishable: call again to finish it.
 */
export async function applyChanges(
  workspaceDir: string,
  changes: readonly ChangeRef[],
  options: ApplyOptions,
): Promise<ApplyReport> {
  const root = await workspaceRoot(workspaceDir)
  const pending = await options.journal.load()
  if (pending && !options.dryRun) {
    if (pending.workspace !== root) {
      throw new ConflictError("an interrupted apply to another workspace must be finished first", {
        workspace: pending.workspace,
      })
    }
    if (!sameChanges(pending.changes, changes)) {
      throw new IntegrityError(
        "the interrupted apply's journal does not hold the reviewed changes; nothing was written",
        { workspace: root },
      )
    }
    await rollForward(root, changes, options)
    await options.journal.finish()
    return { dryRun: false, applied: true, resumed: true, entries: [], conflicts: [] }
  }
  const planned = await plan(root, changes, options.content)
  const entries = planned.map(({ change, conflict }) => ({
    path: change.path,
    op: change.op,
    oldPath: change.oldPath,
    conflict,
  }))
  const conflicts = planned.filter((p) => p.conflict).map((p) => p.change.oldPath ?? p.change.path)
  const report = {
    dryRun: options.dryRun === true,
    applied: false,
    resumed: false,
    entries,
    conflicts,
  }
  if (options.dryRun) return report
  if (conflicts.length > 0 && !options.force) {
    throw new ConflictError("the workspace no longer matches the plan's base", { paths: conflicts })
  }
  faultPoint("apply:journal")
  await options.journal.save({ workspace: root, changes: [...changes] })
  await writeAll(root, planned, options)
  faultPoint("apply:finish")
  await options.journal.finish()
  return { ...report, applied: true }
}

async function workspaceRoot(dir: string): Promise<string> {
  let info: Stats
  try {
    info = await stat(dir)
  } catch {
    throw new ValidationError("workspace", "does not exist", { workspace: dir })
  }
  if (!info.isDirectory()) throw new ValidationError("workspace", "is not a directory")
  return realpath(dir)
}

async function plan(
  root: string,
  changes: readonly ChangeRef[],
  content: ContentSource,
): Promise<Planned[]> {
  for (const change of changes) checkPaths(change)
  return mapPool(changes, 8, async (change) => {
    const target = await resolveTarget(root, change.path)
    const source = change.oldPath === null ? null : await resolveTarget(root, change.oldPath)
    const conflict =
      source === null
        ? (await currentHash(target)) !== change.beforeSha256
        : (await currentHash(source)) !== change.beforeSha256 || target.stat !== null
    const after = await load(content, change.afterSha256)
    return { change, target, source, after, conflict }
  })
}

function checkPaths(change: ChangeRef): void {
  for (const path of [change.path, change.oldPath]) {
    if (path !== null && normalizePath("path", path) !== path) {
      throw new ValidationError("path", "must be in normalised form", { path })
    }
  }
  if (change.mode !== null) checkMode("mode", change.mode)
}

const REF_KEYS = ["path", "op", "oldPath", "beforeSha256", "afterSha256", "mode"] as const

/** True when a journal's changes are exactly `changes`, in order. */
function sameChanges(journal: unknown, changes: readonly ChangeRef[]): boolean {
  if (!Array.isArray(journal) || journal.length !== changes.length) return false
  return changes.every((change, i) => {
    const entry = journal[i] as Record<string, unknown> | null
    return (
      entry !== null && typeof entry === "object" && REF_KEYS.every((k) => entry[k] === change[k])
    )
  })
}

/** The mode a write gives a file: the change's, else the file's own bits (never setuid, setgid, sticky). */
function modeOf(change: ChangeRef, target: Target): number {
  return change.mode ?? (target.stat ? target.stat.mode & 0o777 : 0o644)
}

async function load(content: ContentSource, hash: string | null): Promise<Uint8Array | null> {
  if (hash === null) return null
  const bytes = await content(hash)
  if (sha256(bytes) !== hash)
    throw new IntegrityError("content does not match its hash", { sha256: hash })
  return bytes
}

interface Undo {
  abs: string
  bytes: Uint8Array | null
  mode: number
}

async function writeAll(root: string, planned: Planned[], options: ApplyOptions): Promise<void> {
  const undo: Undo[] = []
  const dirs: string[] = []
  const unsynced = new Set<string>()
  try {
    for (const [i, p] of planned.entries()) {
      for (const t of [p.target, p.source]) if (t) undo.push(await remember(t))
      faultPoint(`apply:write:${i}`)
      await writeOne(root, p, dirs, unsynced, () => faultPoint(`apply:rename:${i}`))
    }
    await fsyncDirs(unsynced)
  } catch (error) {
    await rollBack(undo, dirs)
    await options.journal.abort()
    throw error
  }
}

async function remember(target: Target): Promise<Undo> {
  if (target.stat === null) return { abs: target.abs, bytes: null, mode: 0o644 }
  return { abs: target.abs, bytes: await readFile(target.abs), mode: target.stat.mode & 0o7777 }
}

async function writeOne(
  root: string,
  p: Planned,
  dirs: string[],
  unsynced: Set<string>,
  beforeRename: () => void,
): Promise<void> {
  if (p.after !== null) {
    dirs.push(...(await makeParents(root, p.change.path)))
    await writeAtomic(p.target.abs, p.after, modeOf(p.change, p.target), beforeRename, unsynced)
  } else {
    beforeRename()
    await removeFile(p.target.abs, unsynced)
  }
  if (p.source) await removeFile(p.source.abs, unsynced)
}

async function rollBack(undo: Undo[], dirs: string[]): Promise<void> {
  for (const u of undo.reverse()) {
    if (u.bytes === null) await removeFile(u.abs).catch(() => undefined)
    else await writeAtomic(u.abs, u.bytes, u.mode).catch(() => undefined)
  }
  await removeDirs(dirs)
}

async function rollForward(
  root: string,
  changes: readonly ChangeRef[],
  options: ApplyOptions,
): Promise<void> {
  for (const change of changes) {
    checkPaths(change)
    const target = await resolveTarget(root, change.path)
    await sweepTemps(dirname(target.abs))
    const after = await load(options.content, change.afterSha256)
    if (after === null) await removeFile(target.abs)
    else if ((await currentHash(target)) !== change.afterSha256) {
      await makeParents(root, change.path)
      await writeAtomic(target.abs, after, modeOf(change, target))
    }
    if (change.oldPath === null) continue
    const source = await resolveTarget(root, change.oldPath)
    await sweepTemps(dirname(source.abs))
    await removeFile(source.abs)
  }
}
