import { describe, expect, it } from "vitest"
import type { BackendCapabilities } from "../core/backend.js"
import { createStore } from "../core/store.js"
import type { Event, Message, Session } from "../core/types.js"
import { type ConformanceTarget, rand, useFixture } from "./harness.js"
import { type RaceCall, type RaceOutcome, race, succeeded } from "./race.js"

const RACERS = 4
/** Enough batches that racers in threads overlap many times over, not just at their start. */
const BATCHES = 160

/**
 * Concurrent callers: distinct numbers, gap-free sequences, one winner, unique cursors. The
 * racers run in threads of their own when the target offers `threads`, so the guarded code
 * meets real overlap on every backend.
 */
export function concurrencyTests(target: ConformanceTarget, caps: BackendCapabilities): void {
  describe("concurrency", () => {
    const fx = useFixture(target)
    const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1)
    const racing = (racers: RaceCall[][]) => {
      const { store, backend } = fx.get()
      return race(store, backend, target.threads, racers)
    }
    const spread = (calls: RaceCall[]) =>
      range(RACERS).map((r) => calls.filter((_, i) => i % RACERS === r - 1))
    const values = <T>(outcomes: RaceOutcome[][]) => outcomes.flat().map((o) => succeeded<T>(o))

    it("keeps sequences gap-free and each batch contiguous under concurrent appends", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const batches = values<Message[]>(
        await racing(
          spread(
            range(BATCHES).map((b) => ({
              method: "messages.appendMany",
              args: [s.id, range(5).map((i) => ({ role: "user", content: `${b}.${i}` }))],
            })),
          ),
        ),
      )
      for (const batch of batches) {
        const first = batch[0]?.sequence as number
        expect(batch.map((m) => m.sequence)).toEqual(range(5).map((i) => first + i - 1))
      }
      const all = (await store.messages.list(s.id, { limit: 1000 })).messages
      expect(all.map((m) => m.sequence)).toEqual(range(BATCHES * 5))
      expect(await store.messages.count(s.id)).toBe(BATCHES * 5)
    })

    it("lets exactly one of 16 appends racing on one expectedSequence win", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      await store.messages.append(s.id, { role: "user", content: "base" })
      const outcomes = (
        await racing(
          spread(
            range(16).map((i) => ({
              method: "messages.append",
              args: [s.id, { role: "user", content: i }, { expectedSequence: 1 }],
            })),
          ),
        )
      ).flat()
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1)
      for (const o of outcomes.filter((o) => !o.ok)) expect(o).toMatchObject({ code: "CONFLICT" })
      expect(await store.messages.count(s.id)).toBe(2)
    })

    it("pops one distinct message per concurrent pop, and never one appended meanwhile", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const first = await store.messages.appendMany(
        s.id,
        range(6).map((i) => ({ role: "user", content: i })),
      )
      const pop = { method: "messages.pop", args: [s.id] }
      const popped = values<Message | null>(await racing([[pop], [pop], [pop]]))
      expect(new Set(popped.map((m) => m?.sequence))).toEqual(new Set([4, 5, 6]))
      const append = { method: "messages.append", args: [s.id, { role: "user", content: "new" }] }
      const [racedPop, appended] = values<Message>(await racing([[pop], [append]]))
      const left = (await store.messages.list(s.id)).messages
      expect(left.map((m) => m.id)).toEqual(
        [...first.slice(0, 3), appended].filter((m) => m?.id !== racedPop?.id).map((m) => m?.id),
      )
      expect(await store.messages.count(s.id)).toBe(3)
    })

    it("stores one row for an event or message re-sent concurrently", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const [eventId, messageId] = [rand("e"), rand("m")]
      const event = { method: "events.append", args: [{ id: eventId, kind: "k", data: 1 }] }
      const message = {
        method: "messages.append",
        args: [s.id, { id: messageId, role: "u", content: 1 }],
      }
      const events = values<Event>(await racing(range(3).map(() => [event])))
      const messages = values<Message>(await racing(range(3).map(() => [message])))
      expect(new Set(events.map((e) => e.cursor)).size).toBe(1)
      expect(new Set(messages.map((m) => m.sequence))).toEqual(new Set([1]))
      expect(await store.events.count()).toBe(1)
      expect(await store.messages.count(s.id)).toBe(1)
    })

    it("hands out unique cursors to concurrent event appends, increasing in each batch", async () => {
      const { store } = fx.get()
      const batches = values<Event[]>(
        await racing(
          spread(
            range(12).map((b) => ({
              method: "events.appendMany",
              args: [range(10).map((i) => ({ kind: `k${b}`, data: i }))],
            })),
          ),
        ),
      )
      for (const batch of batches) {
        const cursors = batch.map((e) => BigInt(e.cursor))
        expect(cursors.every((c, i) => i === 0 || c > (cursors[i - 1] as bigint))).toBe(true)
      }
      const page = await store.events.query({ limit: 1000 })
      expect(page.events).toHaveLength(120)
      expect(new Set(page.events.map((e) => e.cursor)).size).toBe(120)
    })

    it.skipIf(!caps.multiProcess || !target.connect)(
      "agrees across two connections to one store (needs multiProcess and connect)",
      async () => {
        const { backend, store, clock } = fx.get()
        const second = createStore(await fx.connect(backend), { clock, namespace: store.namespace })
        const created: Session[] = await Promise.all(
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
