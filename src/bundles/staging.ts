import { createWriteStream, type WriteStream } from "node:fs"
import { lstat, mkdtemp, readdir, rm } from "node:fs/promises"
import { hostname, tmpdir } from "node:os"
import { join } from "node:path"
import { finished } from "node:stream/promises"

/** Start of every import staging directory's name. */
export const STAGING_PREFIX = "agentstore-import-"
/** A staging directory whose owner cannot be identified is stale after this long (a day). */
export const UNOWNED_STAGING_MS = 24 * 60 * 60 * 1000

const OWNED = /^agentstore-import-(\d+)@([A-Za-z0-9.-]*)-[A-Za-z0-9]{6}$/

function host(): string {
  return hostname()
    .replace(/[^A-Za-z0-9.-]/g, "")
    .slice(0, 64)
}

/**
 * Makes an import's staging directory under `parent`, named after its owner:
 * `agentstore-import-<pid>@<host>-XXXXXX`. The name is the lock: a later import or `gc` on the
 * same host removes it only once that process is gone (see `sweepImportStaging`).
 */
export function makeStagingDir(parent: string): Promise<string> {
  return mkdtemp(join(parent, `${STAGING_PREFIX}${process.pid}@${host()}-`))
}

/**
 * Removes the staging directories under `parent` (default: the OS temp directory) that a killed
 * import left behind, and returns how many. One named by a process of this host is removed when
 * that process no longer runs, so an import running in another process keeps its staging; a
 * process id reused by another program only delays the removal. One of another host (a temp
 * directory shared between containers) or of an unknown shape is removed once untouched for
 * `UNOWNED_STAGING_MS`. Entries that are not directories and ones this user cannot remove are
 * skipped.
 */
export async function sweepImportStaging(parent: string = tmpdir()): Promise<number> {
  let names: string[]
  try {
    names = await readdir(parent)
  } catch {
    return 0
  }
  let removed = 0
  for (const name of names) {
    if (!name.startsWith(STAGING_PREFIX) || !(await isStale(join(parent, name), name))) continue
    try {
      await rm(join(parent, name), { recursive: true, force: true })
      removed++
    } catch {
      // Another user's directory, or one removed meanwhile: not ours to report.
    }
  }
  return removed
}

async function isStale(path: string, name: string): Promise<boolean> {
  const stats = await lstat(path).catch(() => undefined)
  if (!stats?.isDirectory()) return false
  const owner = OWNED.exec(name)
  if (owner && owner[2] === host()) return !isRunning(Number(owner[1]))
  return Date.now() - stats.mtimeMs > UNOWNED_STAGING_MS
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: unknown }).code === "EPERM"
  }
}

/**
 * Runs `verify` with a write stream to `path` and waits until every staged byte is written. A
 * staging file that fails (a full disk) rejects instead of leaving `verify` waiting for a drain.
 */
export async function stageInto<T>(path: string, verify: (out: WriteStream) => Promise<T>) {
  const out = createWriteStream(path)
  out.on("error", () => undefined)
  try {
    const result = await verify(out)
    out.end()
    await finished(out)
    return result
  } finally {
    if (!out.closed) {
      const closed = new Promise<void>((resolve) => out.once("close", () => resolve()))
      out.destroy()
      await closed
    }
  }
}
