import { mkdtempSync, rmSync, statSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type DatabaseConstructor from "better-sqlite3"
import { afterAll, expect, it } from "vitest"
import { openStore } from "../src/index.js"
import { sizeFromEnv, startChild } from "./support/children.js"

const Database = createRequire(import.meta.url)("better-sqlite3") as typeof DatabaseConstructor

const WRITERS = 4
const RUN_MS = sizeFromEnv("AGENTSTORE_WAL_MS", 8_000, 60_000)
/** The WAL may pass its checkpoint threshold by what writers add while a checkpoint waits. */
const MAX_WAL_BYTES = 96 * 1024 * 1024

const dir = mkdtempSync(join(tmpdir(), "agentstore-wal-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const walBytes = (path: string) => {
  try {
    return statSync(`${path}-wal`).size
  } catch {
    return 0
  }
}

/** Reads in a transaction held open for 2-10 ms, every 4-20 ms, until `stop()`. */
function snapshotReader(path: string) {
  const db = new Database(path)
  let stopped = false
  let reads = 0
  const done = (async () => {
    while (!stopped) {
      db.exec("BEGIN")
      db.prepare("SELECT COUNT(*) FROM sessions").get()
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8))
      db.exec("COMMIT")
      reads++
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8))
    }
    db.close()
  })()
  return {
    async stop() {
      stopped = true
      await done
      return reads
    },
  }
}

it(
  `keeps the WAL bounded under ${WRITERS} constant writers and a reader holding snapshots`,
  {
    timeout: RUN_MS + 60_000,
  },
  async () => {
    const path = join(dir, "store.db")
    const url = `sqlite:${path}`
    const setup = await openStore(url)
    await setup.close()
    const reader = snapshotReader(path)
    let largest = 0
    const sampler = setInterval(() => {
      largest = Math.max(largest, walBytes(path))
    }, 50)
    const writers = Array.from({ length: WRITERS }, () =>
      startChild("wal-writer.mjs", [url, String(RUN_MS)], () => {}),
    )
    const exits = await Promise.all(writers.map((w) => w.closed))
    clearInterval(sampler)
    const reads = await reader.stop()
    for (const [i, exit] of exits.entries()) {
      expect(writers[i]?.stderr()).toBe("")
      expect(exit.code).toBe(0)
    }
    console.log(
      `WAL: largest ${(largest / 2 ** 20).toFixed(1)} MiB over ${RUN_MS} ms, ${reads} reader snapshots`,
    )
    expect(reads).toBeGreaterThan(10)
    expect(largest).toBeLessThan(MAX_WAL_BYTES)
  },
)

it("lets SQLite restart the WAL after its own checkpoints while one process creates sessions", async () => {
  const path = join(dir, "creates.db")
  const store = await openStore(`sqlite:${path}`)
  let largest = 0
  for (let i = 0; i < 3000; i++) {
    await store.sessions.create({ agent: `agent-${i % 10}`, title: `Session ${i}` })
    if (i % 50 === 0) largest = Math.max(largest, walBytes(path))
  }
  await store.close()
  // Automatic checkpoints every 1,000 pages (4 MiB) and a restart of the log after each.
  expect(largest).toBeLessThan(8 * 1024 * 1024)
})
