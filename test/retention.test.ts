import { mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import {
  createSqliteBackend,
  createStore,
  type ManualClock,
  manualClock,
  type Store,
} from "../src/index.js"
import { parseDuration, resolvePolicy } from "../src/retention/policy.js"

const HOUR = 3_600_000
let dir: string
let clock: ManualClock
let store: Store

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-retention-"))
  clock = manualClock(Date.UTC(2025, 5, 1))
  store = createStore(await createSqliteBackend({ path: join(dir, "store.db") }), { clock })
})
afterEach(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

async function kinds(sessionId?: string): Promise<string[]> {
  const page = await store.events.query({ limit: 1000, ...(sessionId ? { sessionId } : {}) })
  return page.events.map((e) => e.kind)
}

describe("retention policies", () => {
  it("rejects zero, negative and nonsense values instead of deleting everything", async () => {
    await store.events.append({ kind: "old", time: 1 })
    const bad: unknown[] = [
      { events: { maxAge: 0 } },
      { events: { maxAge: "0d" } },
      { events: { maxAge: "-5d" } },
      { events: { maxAge: "soon" } },
      { events: { maxAge: 500 } },
      { events: { maxAge: Number.NaN } },
      { events: { maxAge: "1.5d" } },
      { events: { maxPerSession: 0 } },
      { events: { maxPerAgent: -1 } },
      { events: { maxPerSession: 1.5 } },
      { events: { maxPerSession: "10" } },
      { events: { maxAge: "30d", extra: 1 } },
      { messages: { maxAge: null } },
      { pinnedSessions: "abc" },
      { everything: true },
      null,
    ]
    for (const policy of bad) {
      await expect(store.retention.run({ policy: policy as never })).rejects.toMatchObject({
        code: "VALIDATION",
      })
    }
    await expect(store.retention.run({ policy: {}, batchSize: 0 })).rejects.toMatchObject({
      code: "VALIDATION",
    })
    expect(await kinds()).toEqual(["old"])
    expect(parseDuration("d", "90d")).toBe(90 * 24 * HOUR)
    expect(resolvePolicy({})).toEqual({ pinned: [] })
  })

  it("events by age: older removed in batches, newer and pinned sessions kept; dry run deletes nothing", async () => {
    const s = await store.sessions.create({ agent: "a" })
    const pinned = await store.sessions.create({ agent: "a", metadata: { pinned: true } })
    const listed = await store.sessions.create({ agent: "a" })
    const now = clock()
    for (const id of [s.id, pinned.id, listed.id]) {
      await store.events.appendMany(
        Array.from({ length: 25 }, (_, i) => ({
          kind: "old",
          sessionId: id,
          time: now - 3 * HOUR - i,
        })),
      )
      await store.events.append({ kind: "new", sessionId: id, time: now - HOUR + 1 })
    }
    await store.events.append({ kind: "old", agent: "a", time: now - 3 * HOUR })
    const policy = { events: { maxAge: "1h" }, pinnedSessions: [listed.id] }
    const dry = await store.retention.run({ policy, dryRun: true })
    expect(dry.deleted.events).toBe(26)
    expect(await store.events.count()).toBe(79)
    const report = await store.retention.run({ policy, batchSize: 10 })
    expect(report.deleted).toEqual({ sessions: 0, messages: 0, events: 26, toolInvocations: 0 })
    expect(report.batches).toBe(3)
    expect(report.maxLockHeldMs).toBeGreaterThan(0)
    expect(await kinds(s.id)).toEqual(["new"])
    expect((await kinds(pinned.id)).length).toBe(26)
    expect((await kinds(listed.id)).length).toBe(26)
    expect(store.retention.counters().deleted.events).toBeGreaterThanOrEqual(26)
  })

  it("events per session and per agent keep the newest", async () => {
    const a = await store.sessions.create({ agent: "a" })
    const b = await store.sessions.create({ agent: "b" })
    for (let i = 0; i < 5; i++) {
      await store.events.append({ kind: `a${i}`, sessionId: a.id, agent: "a" })
      await store.events.append({ kind: `b${i}`, sessionId: b.id, agent: "b" })
    }
    await store.retention.run({ policy: { events: { maxPerSession: 3 } }, batchSize: 2 })
    expect(await kinds(a.id)).toEqual(["a2", "a3", "a4"])
    await store.retention.run({ policy: { events: { maxPerAgent: 1 } } })
    expect(await kinds()).toEqual(["a4", "b4"])
  })

  it("messages, finished tool invocations and whole sessions by age", async () => {
    const old = await store.sessions.create({ agent: "a" })
    await store.messages.appendMany(old.id, [
      { role: "user", content: "1" },
      { role: "user", content: "2" },
    ])
    await store.events.appendMany(
      Array.from({ length: 30 }, () => ({ kind: "x", sessionId: old.id })),
    )
    await store.tools.record({ tool: "t", sessionId: old.id, status: "succeeded" })
    const running = await store.tools.start({ tool: "slow" })
    clock.advance(10 * HOUR)
    const fresh = await store.sessions.create({ agent: "a" })
    await store.messages.appendMany(fresh.id, [{ role: "user", content: "3" }])
    await store.messages.append(old.id, { role: "user", content: "4" })

    const r1 = await store.retention.run({
      policy: { messages: { maxAge: "5h" }, toolInvocations: { maxAge: "5h" } },
    })
    expect(r1.deleted).toMatchObject({ messages: 2, toolInvocations: 1 })
    expect((await store.messages.list(old.id)).messages.map((m) => m.content)).toEqual(["4"])
    expect((await store.sessions.get(old.id)).messageCount).toBe(1)
    expect((await store.tools.get(running.id)).status).toBe("running")

    clock.advance(10 * HOUR)
    await store.sessions.update(fresh.id, { title: "touched" })
    const r2 = await store.retention.run({ policy: { sessions: { maxAge: "5h" } }, batchSize: 7 })
    expect(r2.deleted).toMatchObject({ sessions: 1, events: 30, messages: 1 })
    expect(r2.batches).toBeGreaterThan(4)
    await expect(store.sessions.get(old.id)).rejects.toMatchObject({ code: "NOT_FOUND" })
    expect((await store.sessions.get(fresh.id)).messageCount).toBe(1)
  })

  it("deleting a session takes its artifact refs; the blob GC that follows frees the bytes", async () => {
    const s = await store.sessions.create({ agent: "a" })
    await store.artifacts.put("x".repeat(10_000), { handle: "big.txt", sessionId: s.id })
    const kept = await store.sessions.create({ agent: "a", metadata: { pinned: true } })
    await store.artifacts.put("kept", { handle: "kept.txt", sessionId: kept.id })
    clock.advance(10 * HOUR)
    const dry = await store.retention.run({ policy: { sessions: { maxAge: "1h" } }, dryRun: true })
    expect(dry.artifacts).toBeUndefined()
    const report = await store.retention.run({
      policy: { sessions: { maxAge: "1h" } },
      artifactGraceMs: 0,
    })
    expect(report.deleted.sessions).toBe(1)
    expect(report.artifacts).toMatchObject({ deleted: 1, bytesFreed: 10_000 })
    await expect(store.artifacts.head("big.txt")).rejects.toMatchObject({ code: "NOT_FOUND" })
    expect(await store.artifacts.text("kept.txt")).toBe("kept")
  })

  it("reclaims space with incremental vacuum", async () => {
    const big = "x".repeat(20_000)
    for (let i = 0; i < 10; i++) {
      await store.events.appendMany(
        Array.from({ length: 50 }, () => ({ kind: "big", text: big, time: 1000 })),
      )
    }
    const file = join(dir, "store.db")
    await store.retention.run({ policy: { events: { maxAge: "1h" } }, reclaim: false })
    const report = await store.retention.run({ policy: {} })
    expect(report.reclaimed.supported).toBe(true)
    expect(report.reclaimed.freedBytes).toBeGreaterThan(5_000_000)
    expect(statSync(file).size + statSync(`${file}-wal`).size).toBeGreaterThan(0)
  })
})
