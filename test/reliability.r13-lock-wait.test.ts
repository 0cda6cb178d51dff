import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { createSqliteBackend, createStore, type Store } from "../src/index.js"
import { holdLock, type LoopLag, watchEventLoop } from "./support/sqlite-lock.js"

// R13 (docs/reliability.md): another process holds the SQLite write lock for 3 s while this process
// appends and serves reads. The event loop never stalls; the append completes, or fails typed
// once its budget is spent.
const HOLD_MS = 3000
// The bound of docs/reliability.md, on the 99th percentile of 5 ms timer delays; the longest single
// stall may reach MAX_STALL_MS, for the moments a loaded 2-core machine starves this process.
// A synchronous wait shows up as one stall of the whole wait: 1,000-3,000 ms here.
const MAX_LAG_MS = 50
const MAX_STALL_MS = 400

function expectResponsive(lag: LoopLag): void {
  const seen = `event-loop lag p99 ${lag.p99.toFixed(0)} ms, longest stall ${lag.max.toFixed(0)} ms`
  expect(lag.p99, seen).toBeLessThan(MAX_LAG_MS)
  expect(lag.max, seen).toBeLessThan(MAX_STALL_MS)
}

const dir = mkdtempSync(join(tmpdir(), "agentstore-r13-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function open(name: string, busyTimeoutMs: number): Promise<{ store: Store; path: string }> {
  const path = join(dir, `${name}.db`)
  return { store: createStore(await createSqliteBackend({ path, busyTimeoutMs })), path }
}

/** Reads every 20 ms until `until` settles; resolves to each read's duration. */
async function readWhile(store: Store, sessionId: string, until: Promise<unknown>) {
  let done = false
  const finish = () => {
    done = true
  }
  void until.then(finish, finish)
  const took: number[] = []
  while (!done) {
    const started = performance.now()
    await store.messages.list(sessionId, { latest: 10 })
    await store.sessions.get(sessionId)
    await store.events.query({ limit: 10 })
    took.push(performance.now() - started)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return took
}

describe("R13: another process holds the write lock for 3 s", () => {
  it("an append waits without stalling the event loop, reads go on, and it completes", async () => {
    const { store, path } = await open("waits", 20_000)
    const s = await store.sessions.create({ agent: "a" })
    await store.messages.append(s.id, { role: "user", content: "before" })
    const { released } = await holdLock(path, HOLD_MS)
    const loop = watchEventLoop()
    const started = performance.now()
    const append = store.messages.append(s.id, { role: "user", content: "during" })
    const reads = await readWhile(store, s.id, append)
    const appended = await append
    const waited = performance.now() - started
    const lag = loop.stop()
    await released
    expect(appended.sequence).toBe(2)
    expect(waited).toBeGreaterThan(HOLD_MS * 0.8)
    expect(reads.length).toBeGreaterThan(20)
    expect(Math.max(...reads)).toBeLessThan(MAX_STALL_MS)
    expectResponsive(lag)
    await store.close()
  })

  it("an append whose budget runs out fails with UnavailableError after its budget", async () => {
    const { store, path } = await open("budget", 1000)
    const s = await store.sessions.create({ agent: "a" })
    const { released } = await holdLock(path, HOLD_MS)
    const loop = watchEventLoop()
    const started = performance.now()
    const outcome = await store.messages.append(s.id, { role: "user", content: "x" }).then(
      () => undefined,
      (error: unknown) => error,
    )
    const waited = performance.now() - started
    const lag = loop.stop()
    expect(outcome).toMatchObject({ code: "UNAVAILABLE", details: { backend: "sqlite" } })
    expect(waited).toBeGreaterThanOrEqual(950)
    expect(waited).toBeLessThan(HOLD_MS - 500)
    expectResponsive(lag)
    await released
    expect(await store.messages.count(s.id)).toBe(0)
    await store.close()
  })

  it("opening a file another process locks exclusively waits without stalling the loop", async () => {
    const path = join(dir, "open.db")
    const { released } = await holdLock(path, 1500, "exclusive")
    const loop = watchEventLoop()
    const backend = await createSqliteBackend({ path })
    const lag = loop.stop()
    await released
    const store = createStore(backend)
    expect((await store.sessions.create({ agent: "a" })).number).toBe(1)
    expectResponsive(lag)
    await store.close()
  })

  it("a read of a file another process locks exclusively waits without stalling the loop", async () => {
    const { store, path } = await open("read", 20_000)
    const s = await store.sessions.create({ agent: "a" })
    await store.close()
    const { released } = await holdLock(path, 1500, "exclusive")
    const loop = watchEventLoop()
    const reopened = createStore(await createSqliteBackend({ path, migrate: false }))
    const got = await reopened.sessions.get(s.id)
    const lag = loop.stop()
    await released
    expect(got?.id).toBe(s.id)
    expectResponsive(lag)
    await reopened.close()
  })
})
