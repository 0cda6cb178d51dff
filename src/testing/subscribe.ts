import { describe, expect, it } from "vitest"
import { createStore } from "../core/store.js"
import type { EventSubscription } from "../core/subscribe.js"
import type { Event, EventInput } from "../core/types.js"
import { type ConformanceTarget, expectError, rand, useFixture } from "./harness.js"

/** Collects the next `n` events of a subscription, failing after `timeoutMs` without them. */
export async function take(
  sub: EventSubscription,
  n: number,
  timeoutMs = 30_000,
): Promise<Event[]> {
  const got: Event[] = []
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`received ${got.length} of ${n} events in ${timeoutMs} ms`)),
      timeoutMs,
    )
  })
  try {
    while (got.length < n) {
      const result = await Promise.race([sub.next(), timeout])
      if (result.done) throw new Error(`subscription ended after ${got.length} of ${n} events`)
      got.push(result.value)
    }
    return got
  } finally {
    clearTimeout(timer)
  }
}

const ids = (events: Event[]) => events.map((e) => e.id)
const batch = (n: number, extra: Partial<EventInput> = {}): EventInput[] =>
  Array.from({ length: n }, (_, i) => ({ kind: "k", data: i, ...extra }))

/** Live tail: replay then follow, the replay/live boundary, filters, and every way to end. */
export function subscribeTests(target: ConformanceTarget): void {
  describe("events.subscribe", () => {
    const fx = useFixture(target)

    it("replays stored events after a cursor, then follows new ones", async () => {
      const { store } = fx.get()
      const before = await store.events.appendMany(batch(5))
      await using all = store.events.subscribe()
      expect(ids(await take(all, 5))).toEqual(ids(before))
      await using later = store.events.subscribe({}, { after: before[1]?.cursor as string })
      expect(ids(await take(later, 3))).toEqual(ids(before.slice(2)))
      const pending = take(all, 4)
      const live = [
        await store.events.append({ kind: "k" }),
        ...(await store.events.appendMany(batch(3))),
      ]
      expect(ids(await pending)).toEqual(ids(live))
      expect(ids(await take(later, 4))).toEqual(ids(live))
      expect(all.cursor).toBe(live[3]?.cursor)
    })

    it("loses and repeats nothing when events commit while the replay runs", async () => {
      const { store } = fx.get()
      const first = await store.events.appendMany(batch(40))
      await using sub = store.events.subscribe({}, { pageSize: 7 })
      const writer = (async () => {
        const out: Event[] = []
        for (let i = 0; i < 30; i++)
          out.push(...(await store.events.appendMany(batch(1 + (i % 4)))))
        return out
      })()
      const got = await take(sub, 40 + 73)
      const written = await writer
      expect(ids(got)).toEqual(ids([...first, ...written]))
      const sentinel = await store.events.append({ kind: "sentinel" })
      expect(ids(await take(sub, 1))).toEqual([sentinel.id])
    })

    it("delivers only events matching session, agent, kinds and parent", async () => {
      const { store } = fx.get()
      const s1 = await store.sessions.create({ agent: "a" })
      const s2 = await store.sessions.create({ agent: "b" })
      const root = await store.events.append({ kind: "root" })
      await using bySession = store.events.subscribe({ sessionId: s1.id }, { after: root.cursor })
      await using byAgent = store.events.subscribe({ agent: "b" }, { after: root.cursor })
      await using byKinds = store.events.subscribe({ kinds: ["x", "y"] }, { after: root.cursor })
      await using byParent = store.events.subscribe({ parentId: root.id }, { after: root.cursor })
      const mixed = await store.events.appendMany(
        Array.from({ length: 24 }, (_, i) => ({
          kind: ["x", "y", "z"][i % 3] as string,
          sessionId: i % 2 ? s1.id : s2.id,
          agent: i % 2 ? "a" : "b",
          ...(i % 4 === 0 ? { parentId: root.id } : {}),
        })),
      )
      const expectOnly = async (sub: EventSubscription, keep: (e: Event) => boolean) => {
        const want = mixed.filter(keep)
        expect(ids(await take(sub, want.length))).toEqual(ids(want))
      }
      await expectOnly(bySession, (e) => e.sessionId === s1.id)
      await expectOnly(byAgent, (e) => e.agent === "b")
      await expectOnly(byKinds, (e) => e.kind !== "z")
      await expectOnly(byParent, (e) => e.parentId === root.id)
      const last = await store.events.append({
        kind: "x",
        sessionId: s1.id,
        agent: "b",
        parentId: root.id,
      })
      for (const sub of [bySession, byAgent, byKinds, byParent]) {
        expect(ids(await take(sub, 1))).toEqual([last.id])
      }
    })

    it("never delivers another namespace's events", async () => {
      const { store } = fx.get()
      const other = store.withNamespace(rand("ns"))
      await using sub = store.events.subscribe()
      await other.events.appendMany(batch(3))
      const mine = await store.events.append({ kind: "mine" })
      expect(ids(await take(sub, 1))).toEqual([mine.id])
    })

    it("ends on break, return() and close(), resolving a pending next() as done", async () => {
      const { store } = fx.get()
      await store.events.appendMany(batch(3))
      const sub = store.events.subscribe()
      for await (const event of sub) if (event.data === 1) break
      expect(await sub.next()).toEqual({ done: true, value: undefined })
      const waiting = store.events.subscribe({}, { after: sub.cursor as string })
      expect(ids(await take(waiting, 1))).toHaveLength(1)
      const pending = waiting.next()
      await waiting.return?.()
      expect(await pending).toEqual({ done: true, value: undefined })
      const closing = store.events.subscribe({ kinds: ["never"] })
      const idle = closing.next()
      closing.close()
      expect(await idle).toEqual({ done: true, value: undefined })
    })

    it("ends on its abort signal, also when aborted before it starts", async () => {
      const { store } = fx.get()
      const aborted = store.events.subscribe({}, { signal: AbortSignal.abort() })
      await store.events.append({ kind: "k" })
      expect(await aborted.next()).toEqual({ done: true, value: undefined })
      const controller = new AbortController()
      const sub = store.events.subscribe({}, { signal: controller.signal })
      expect(await take(sub, 1)).toHaveLength(1)
      const pending = sub.next()
      controller.abort()
      expect(await pending).toEqual({ done: true, value: undefined })
    })

    it("ends when the store closes: a pending next() resolves done", async () => {
      const { store } = await fx.fresh()
      const sub = store.events.subscribe()
      const pending = sub.next()
      await store.close()
      expect(await pending).toEqual({ done: true, value: undefined })
      expect(await sub.next()).toEqual({ done: true, value: undefined })
      expect(() => store.events.subscribe()).toThrow(
        expect.objectContaining({ code: "STORE_CLOSED" }),
      )
    })

    it("ends with the error when a read fails, and stays ended", async () => {
      const { backend, store } = await fx.fresh()
      const sub = store.events.subscribe({}, { pollIntervalMs: 10 })
      await store.events.append({ kind: "k" })
      expect(await take(sub, 1)).toHaveLength(1)
      const pending = sub.next()
      await backend.close() // behind the store's back: its next read fails
      await expect(pending).rejects.toThrow()
      expect(await sub.next()).toEqual({ done: true, value: undefined })
    })

    it("rejects a bad filter or options at once", async () => {
      const { store } = fx.get()
      const call = (f: () => unknown) => Promise.resolve().then(f)
      await expectError(
        call(() => store.events.subscribe({ since: 1 } as never)),
        "VALIDATION",
      )
      await expectError(
        call(() => store.events.subscribe({}, { after: "-1" })),
        "VALIDATION",
      )
      await expectError(
        call(() => store.events.subscribe({}, { pageSize: 0 })),
        "VALIDATION",
      )
      await expectError(
        call(() => store.events.subscribe({ kinds: [] })),
        "VALIDATION",
      )
    })

    if (!target.connect) return
    it("follows events committed through another connection to the same store", async () => {
      const { backend, store } = fx.get()
      const other = await fx.connect(backend)
      const remote = createStore(other, { namespace: store.namespace })
      // Without idle re-reads, only the backend's wake-ups can deliver these before the timeout.
      const quiet = backend.watch ? { pollIntervalMs: 3_600_000 } : {}
      await using sub = store.events.subscribe({}, quiet)
      // One round at a time: the single signal a backend sends once its watch is in place can
      // explain at most one round, so the others prove that commits elsewhere wake the tail.
      for (let round = 0; round < 5; round++) {
        const written = await remote.events.appendMany(batch(1 + round))
        expect(ids(await take(sub, written.length))).toEqual(ids(written))
      }
    })
  })
}
