import { afterAll, beforeAll, expect, it } from "vitest"
import type { PostgresBackend } from "../src/backends/postgres/index.js"
import { importBundle } from "../src/bundles/import.js"
import { createStore, type ManualClock, manualClock, openStore, type Store } from "../src/index.js"
import {
  canonical,
  canonicalWork,
  exportToBuffer,
  rowCounts,
  seedVaried,
  seedWork,
  source,
} from "./support/bundles.js"
import { describePg, dropSchema, openTestBackend } from "./support/postgres.js"

describePg("bundles and retention on PostgreSQL", () => {
  let backend: PostgresBackend
  let store: Store
  let clock: ManualClock

  beforeAll(async () => {
    backend = await openTestBackend()
    clock = manualClock(Date.UTC(2025, 5, 1))
    store = createStore(backend, { clock })
    await seedVaried(store, 6)
  })
  afterAll(async () => {
    await store.close()
    await dropSchema(backend.schema)
  })

  it("round trip with fresh ids, twice, and keep-ids conflicts write nothing", async () => {
    const bundle = await exportToBuffer(store, { gzip: true })
    const copy = store.withNamespace("copy")
    await importBundle(copy, source(bundle))
    expect(await canonical(copy)).toEqual(await canonical(store))
    await importBundle(copy, source(bundle))
    expect(await rowCounts(copy)).toEqual([12, 36, 38, 14])
    const cursors = (await copy.events.query({ limit: 1000 })).events.map((e) => Number(e.cursor))
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b))
    const appended = await copy.events.append({ kind: "after-import" })
    expect(Number(appended.cursor)).toBeGreaterThan(Math.max(...cursors))
    const before = await rowCounts(store)
    await expect(importBundle(store, source(bundle), { keepIds: true })).rejects.toMatchObject({
      code: "CONFLICT",
    })
    expect(await rowCounts(store)).toEqual(before)
  })

  it("plans, changes, artifacts and blobs round trip; a plan id that exists conflicts", async () => {
    const work = store.withNamespace("work")
    await seedWork(work)
    const bundle = await exportToBuffer(work)
    const copy = store.withNamespace("work-copy")
    const result = await importBundle(copy, source(bundle))
    expect(result.counts).toMatchObject({ plan: 2, change: 4, artifact: 2, blob: 9 })
    expect(await canonicalWork(copy)).toEqual(await canonicalWork(work))
    await using sqlite = await openStore(":memory:")
    await importBundle(sqlite, source(bundle), { keepIds: true })
    expect(await canonicalWork(sqlite)).toEqual(await canonicalWork(work))
    const back = store.withNamespace("work-back")
    await importBundle(back, source(await exportToBuffer(sqlite)), { keepIds: true })
    expect(await canonicalWork(back)).toEqual(await canonicalWork(work))
    await expect(
      importBundle(work, source(bundle), { keepIds: true, namespace: "work" }),
    ).rejects.toMatchObject({ code: "CONFLICT" })
    expect((await work.plans.list()).items).toHaveLength(2)
  })

  it("a tampered bundle is rejected with 0 rows written", async () => {
    const bundle = await exportToBuffer(store)
    const target = store.withNamespace("tampered")
    for (let at = 0; at < bundle.length; at += Math.floor(bundle.length / 40)) {
      const bytes = Buffer.from(bundle)
      bytes[at] = (bytes[at] as number) ^ 0x01
      await expect(importBundle(target, source(bytes))).rejects.toMatchObject({ code: "INTEGRITY" })
    }
    expect(await rowCounts(target)).toEqual([0, 0, 0, 0])
  })

  it("retention rules, pinned sessions and dry runs behave as on SQLite", async () => {
    const ns = store.withNamespace("retention")
    const a = await ns.sessions.create({ agent: "a" })
    const pinned = await ns.sessions.create({
      agent: "a",
      metadata: { pinned: true, note: "\u0000" },
    })
    for (const s of [a, pinned]) {
      await ns.events.appendMany(
        Array.from({ length: 12 }, (_, i) => ({ kind: `k${i}`, sessionId: s.id, time: 1000 + i })),
      )
      await ns.messages.append(s.id, { role: "user", content: "old" })
    }
    await ns.tools.record({ tool: "t", sessionId: a.id, status: "succeeded" })
    const dry = await ns.retention.run({ policy: { events: { maxPerSession: 5 } }, dryRun: true })
    expect(dry.deleted.events).toBe(7)
    await ns.retention.run({ policy: { events: { maxPerSession: 5 } }, batchSize: 3 })
    expect((await ns.events.query({ sessionId: a.id })).events.map((e) => e.kind)).toEqual([
      "k7",
      "k8",
      "k9",
      "k10",
      "k11",
    ])
    expect(await ns.events.count({ sessionId: pinned.id })).toBe(12)
    clock.advance(48 * 3_600_000)
    const r = await ns.retention.run({
      policy: {
        messages: { maxAge: "1d" },
        toolInvocations: { maxAge: "1d" },
        events: { maxAge: "1h" },
      },
      batchSize: 2,
    })
    expect(r.deleted).toEqual({ sessions: 0, messages: 1, events: 5, toolInvocations: 1 })
    expect((await ns.sessions.get(a.id)).messageCount).toBe(0)
    const s = await ns.retention.run({ policy: { sessions: { maxAge: "1d" } }, batchSize: 4 })
    expect(s.deleted).toMatchObject({ sessions: 1 })
    expect((await ns.sessions.list()).items.map((x) => x.id)).toEqual([pinned.id])
    expect(s.reclaimed.supported).toBe(false)
  })
})
