import { describe, expect, it } from "vitest"
import type { BackendCapabilities } from "../core/backend.js"
import { createStore } from "../core/store.js"
import { type ConformanceTarget, expectError, rand, useFixture } from "./harness.js"

/** Concurrent callers: distinct numbers, gap-free sequences, one winner, unique cursors. */
export function concurrencyTests(target: ConformanceTarget, caps: BackendCapabilities): void {
  describe("concurrency", () => {
    const fx = useFixture(target)
    const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

    it("keeps sequences gap-free and each batch contiguous under concurrent appends", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const batches = await Promise.all(
        range(20).map((b) =>
          store.messages.appendMany(
            s.id,
            range(5).map((i) => ({ role: "user", content: `${b}.${i}` })),
          ),
        ),
      )
      for (const batch of batches) {
        const first = batch[0]?.sequence as number
        expect(batch.map((m) => m.sequence)).toEqual(range(5).map((i) => first + i - 1))
      }
      const all = (await store.messages.list(s.id, { limit: 1000 })).messages
      expect(all.map((m) => m.sequence)).toEqual(range(100))
      expect(await store.messages.count(s.id)).toBe(100)
    })

    it("lets exactly one of 16 appends racing on one expectedSequence win", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      await store.messages.append(s.id, { role: "user", content: "base" })
      const outcomes = await Promise.allSettled(
        range(16).map((i) =>
          store.messages.append(s.id, { role: "user", content: i }, { expectedSequence: 1 }),
        ),
      )
      const won = outcomes.filter((o) => o.status === "fulfilled")
      const lost = outcomes.filter((o) => o.status === "rejected")
      expect(won).toHaveLength(1)
      for (const o of lost) await expectError(Promise.reject(o.reason), "CONFLICT")
      expect(await store.messages.count(s.id)).toBe(2)
    })

    it("pops one distinct message per concurrent pop, and never one appended meanwhile", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const first = await store.messages.appendMany(
        s.id,
        range(6).map((i) => ({ role: "user", content: i })),
      )
      const popped = await Promise.all(range(3).map(() => store.messages.pop(s.id)))
      expect(new Set(popped.map((m) => m?.sequence))).toEqual(new Set([4, 5, 6]))
      const [racedPop, appended] = await Promise.all([
        store.messages.pop(s.id),
        store.messages.append(s.id, { role: "user", content: "new" }),
      ])
      const left = (await store.messages.list(s.id)).messages
      expect(left.map((m) => m.id)).toEqual(
        [...first.slice(0, 3), appended].filter((m) => m.id !== racedPop?.id).map((m) => m.id),
      )
      expect(await store.messages.count(s.id)).toBe(3)
    })

    it("stores one row for an event or message re-sent concurrently", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const [eventId, messageId] = [rand("e"), rand("m")]
      const events = await Promise.all(
        range(3).map(() => store.events.append({ id: eventId, kind: "k", data: 1 })),
      )
      const messages = await Promise.all(
        range(3).map(() => store.messages.append(s.id, { id: messageId, role: "u", content: 1 })),
      )
      expect(new Set(events.map((e) => e.cursor)).size).toBe(1)
      expect(new Set(messages.map((m) => m.sequence))).toEqual(new Set([1]))
      expect(await store.events.count()).toBe(1)
      expect(await store.messages.count(s.id)).toBe(1)
    })

    it("hands out unique cursors to concurrent event appends, increasing in each batch", async () => {
      const { store } = fx.get()
      const batches = await Promise.all(
        range(10).map((b) =>
          store.events.appendMany(range(10).map((i) => ({ kind: `k${b}`, data: i }))),
        ),
      )
      for (const batch of batches) {
        const cursors = batch.map((e) => BigInt(e.cursor))
        expect(cursors.every((c, i) => i === 0 || c > (cursors[i - 1] as bigint))).toBe(true)
      }
      const page = await store.events.query({ limit: 1000 })
      expect(page.events).toHaveLength(100)
      expect(new Set(page.events.map((e) => e.cursor)).size).toBe(100)
    })

    it.skipIf(!caps.multiProcess || !target.connect)(
      "agrees across two connections to one store (needs multiProcess and connect)",
      async () => {
        const { backend, store, clock } = fx.get()
        const second = createStore(await fx.connect(backend), { clock, namespace: store.namespace })
        const created = await Promise.all(
          range(10).map((i) => (i % 2 ? store : second).sessions.create({ agent: "shared" })),
        )
        expect(created.map((c) => c.number).sort((x, y) => x - y)).toEqual(range(10))
        const s = created[0]?.id as string
        const appended = await Promise.all(
          range(10).map((i) =>
            (i % 2 ? store : second).messages.append(s, { role: "u", content: i }),
          ),
        )
        expect(appended.map((m) => m.sequence).sort((x, y) => x - y)).toEqual(range(10))
        const e = await store.events.append({ kind: "k" })
        expect(await second.events.get(e.id)).toEqual(e)
        expect(await second.messages.count(s)).toBe(10)
      },
    )
  })
}
