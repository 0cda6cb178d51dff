import { execFileSync } from "node:child_process"
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statfsSync,
  statSync,
  truncateSync,
  writeSync,
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, beforeAll, expect } from "vitest"
import { isAgentStoreError } from "../../src/core/errors.js"

/** A small real filesystem (tmpfs) that a test fills up to make writes fail with `ENOSPC`. */
export interface SmallDisk {
  /** Where it is mounted. */
  dir: string
  /** Writes a filler file until the disk is full, then gives back `leaveBytes` of it. */
  fill(leaveBytes?: number): void
  /** Removes the filler file. */
  free(): void
  /** Bytes still free. */
  available(): number
  /** Removes everything on the disk. */
  clear(): void
  /** Unmounts it and removes the mount point. */
  unmount(): void
}

/** Mounts a tmpfs of `megabytes` (needs root, as in CI). */
export function mountSmallDisk(megabytes = 6): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), "agentstore-tmpfs-"))
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${megabytes}m`, "tmpfs", dir])
  const filler = join(dir, "filler")
  return {
    dir,
    fill(leaveBytes = 0) {
      const fd = openSync(filler, "a")
      const page = Buffer.alloc(4096, 1)
      try {
        for (;;) writeSync(fd, page)
      } catch (error) {
        if ((error as { code?: string }).code !== "ENOSPC") throw error
      } finally {
        closeSync(fd)
      }
      if (leaveBytes > 0) truncateSync(filler, Math.max(0, statSync(filler).size - leaveBytes))
    },
    free: () => rmSync(filler, { force: true }),
    available() {
      const s = statfsSync(dir)
      return s.bavail * s.bsize
    },
    clear() {
      for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true })
    },
    unmount() {
      execFileSync("umount", [dir])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * A small disk for the whole test file: mounted in `beforeAll`, emptied after each test, unmounted
 * in `afterAll`. Call at the top level of a test file; use the result inside tests.
 */
export function useSmallDisk(megabytes = 6): SmallDisk {
  let disk: SmallDisk | undefined
  const mounted = (): SmallDisk => {
    if (!disk) throw new Error("the small disk is mounted in beforeAll")
    return disk
  }
  beforeAll(() => {
    disk = mountSmallDisk(megabytes)
  })
  afterEach(() => mounted().clear())
  afterAll(() => mounted().unmount())
  return {
    get dir() {
      return mounted().dir
    },
    fill: (leaveBytes) => mounted().fill(leaveBytes),
    free: () => mounted().free(),
    available: () => mounted().available(),
    clear: () => mounted().clear(),
    unmount: () => mounted().unmount(),
  }
}

/** Every path below `dir` (relative), for "nothing left behind" assertions. */
export function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()
}

/** Settles `promise` within `ms`, so a hang fails the test with its own message. */
export async function settled(promise: Promise<unknown>, ms = 30_000): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise((resolve) => {
    timer = setTimeout(() => resolve(new Error(`still pending after ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([
      promise.then(
        () => "resolved",
        (e: unknown) => e,
      ),
      hang,
    ])
  } finally {
    clearTimeout(timer)
  }
}

/** Asserts an outcome is an `UnavailableError`. */
export function expectUnavailable(outcome: unknown): void {
  expect(isAgentStoreError(outcome, "UNAVAILABLE"), String(outcome)).toBe(true)
}
