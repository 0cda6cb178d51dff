import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "vitest"
import { openStore } from "../src/index.js"
import { sizeFromEnv } from "./support/children.js"

const WRITERS = 4
const PER_WRITER = sizeFromEnv("AGENTSTORE_R11_EVENTS", 2_000, 20_000)
const OLD = sizeFromEnv("AGENTSTORE_R11_OLD", 20_000, 200_000)
const BATCH = 200
/**
 * The longest one retention transaction may hold the write lock. A batch of 200 takes a few
 * ms; the bound is generous for a loaded 2-core machine, and far below what deleting the
 * 20,000 old events in one transaction takes.
 */
const MAX_LOCK_MS = 500

function writer(url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = join(import.meta.dirname, "children", "r11-appender.mjs")
  const child = spawn(process.execPath, [script, url, String(PER_WRITER), "20"])
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (s: string) => {
    stdout += s
  })
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    stderr += s
  })
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })))
}

it("R11: retention in batches while 4 processes append: no SQLITE_BUSY, nothing newer than the policy removed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "agentstore-r11-"))
  const url = join(dir, "store")
  try {
    await using store = await openStore(url)
    const old = await store.sessions.create({ agent: "archive" })
    const longAgo = Date.now() - 48 * 3_600_000
    for (let i = 0; i < OLD; i += 5_000) {
      await store.events.appendMany(
        Array.from({ length: 5_000 }, (_, j) => ({
          kind: "stale",
          sessionId: old.id,
          time: longAgo + i + j,
        })),
      )
    }
    const writers = Array.from({ length: WRITERS }, () => writer(url))
    let done = false
    const finished = Promise.all(writers).finally(() => {
      done = true
    })
    let deleted = 0
    let maxLock = 0
    let runs = 0
    let batches = 0
    while (!done || runs === 0) {
      const report = await store.retention.run({
        policy: { events: { maxAge: "24h" } },
        batchSize: BATCH,
      })
      deleted += report.deleted.events
      maxLock = Math.max(maxLock, report.maxLockHeldMs)
      batches += report.batches
      runs++
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    const results = await finished
    for (const r of results) {
      expect(r.stderr).toBe("")
      expect(r).toMatchObject({ code: 0, stdout: `done ${PER_WRITER}\n` })
    }
    expect(deleted).toBe(OLD)
    expect(await store.events.count({ kinds: ["stale"] })).toBe(0)
    expect(await store.events.count({ kinds: ["fresh"] })).toBe(WRITERS * PER_WRITER)
    console.log(
      `R11: ${runs} retention runs, ${batches} batches, ${OLD} old events removed, longest write-lock hold ${maxLock.toFixed(1)} ms`,
    )
    expect(batches).toBeGreaterThanOrEqual(OLD / BATCH)
    expect(maxLock).toBeLessThan(MAX_LOCK_MS)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
