import { describe, expect, it } from "vitest"
import type { Event, EventQuery } from "../core/types.js"
import { increasing } from "./events.js"
import { at, type ConformanceTarget, expectError, type Fixture, useFixture } from "./harness.js"

/** Events queries: every filter, cursor pages, limits, count and summary. */
export function eventQueryTests(target: ConformanceTarget): void {
  describe("events.query", () => {
    const fx = useFixture(target)

    /** 12 events over two sessions and agents, three kinds, at 0..11 s, half of them children. */
    async function seed({ store }: Fixture): Promise<Event[]> {
      const s1 = await store.sessions.create({ agent: "a" })
      const s2 = await store.sessions.create({ agent: "b" })
      const root = await store.events.append({ kind: "root", time: at(0) })
      const rest = await store.events.appendMany(
        Array.from({ length: 11 }, (_, j) => {
          const i = j + 1
          return {
            kind: ["output", "thinking", "tool_use"][i % 3] as string,
            sessionId: i % 2 ? s1.id : s2.id,
            agent: i % 2 ? "a" : "b",
            time: at(i * 1000),
            ...(i % 2 ? { parentId: root.id } : {}),
          }
        }),
      )
      return [root, ...rest]
    }
    const pick = (events: Event[], keep: (e: Event, i: number) => boolean) =>
      events.filter(keep).map((e) => e.id)

    it("filters by session, agent, kinds, parent, since (inclusive) and until (exclusive)", async () => {
      const all = await seed(fx.get())
      const { store } = fx.get()
      const q = async (query: EventQuery) =>
        (await store.events.query(query)).events.map((e) => e.id)
      const s1 = all[1]?.sessionId as string
      expect(await q({ sessionId: s1 })).toEqual(pick(all, (e) => e.sessionId === s1))
      expect(await q({ agent: "b" })).toEqual(pick(all, (e) => e.agent === "b"))
      expect(await q({ kinds: ["thinking", "root"] })).toEqual(
        pick(all, (e) => e.kind === "thinking" || e.kind === "root"),
      )
      expect(await q({ parentId: all[0]?.id as string })).toEqual(pick(all, (_, i) => i % 2 === 1))
      expect(await q({ since: at(3000), until: at(6000) })).toEqual(
        pick(all, (_, i) => i >= 3 && i < 6),
      )
      expect(await q({ since: new Date(at(11_000)) })).toEqual(pick(all, (_, i) => i === 11))
      expect(await q({ until: Date.parse(at(1000)) })).toEqual(pick(all, (_, i) => i === 0))
      expect(await q({ agent: "a", kinds: ["output"], since: at(2000) })).toEqual(
        pick(all, (e, i) => e.agent === "a" && e.kind === "output" && i >= 2),
      )
      expect(await q({ sessionId: "no-such-session" })).toEqual([])
    })

    it("bounds by cursor (after/before, exclusive) and orders asc or desc", async () => {
      const all = await seed(fx.get())
      const { store } = fx.get()
      const cursor = (i: number) => all[i]?.cursor as string
      const q = async (query: EventQuery) =>
        (await store.events.query(query)).events.map((e) => e.id)
      expect(await q({ after: cursor(8) })).toEqual(pick(all, (_, i) => i > 8))
      expect(await q({ before: cursor(2) })).toEqual(pick(all, (_, i) => i < 2))
      expect(await q({ after: cursor(2), before: cursor(5) })).toEqual(
        pick(all, (_, i) => i > 2 && i < 5),
      )
      expect(await q({ order: "desc" })).toEqual(pick(all, () => true).reverse())
      expect(await q({ order: "desc", before: cursor(3), limit: 2 })).toEqual([
        all[2]?.id,
        all[1]?.id,
      ])
    })

    it("pages with hasMore and nextCursor in both directions, also over several kinds", async () => {
      const all = await seed(fx.get())
      const { store } = fx.get()
      const kinds = ["thinking", "root", "tool_use"]
      for (const filter of [{}, { kinds }, { kinds, agent: "a" }]) {
        const expected = all.filter(
          (e) =>
            (!("kinds" in filter) || kinds.includes(e.kind)) &&
            (!("agent" in filter) || e.agent === "a"),
        )
        for (const order of ["asc", "desc"] as const) {
          const seen: Event[] = []
          let bound: string | undefined
          for (;;) {
            const key = order === "asc" ? "after" : "before"
            const page = await store.events.query({
              ...filter,
              order,
              limit: 2,
              ...(bound ? { [key]: bound } : {}),
            })
            seen.push(...page.events)
            expect(page.hasMore).toBe(page.nextCursor !== undefined)
            if (!page.nextCursor) break
            bound = page.nextCursor
          }
          expect(seen).toEqual(order === "asc" ? expected : [...expected].reverse())
        }
      }
      expect(increasing(all)).toBe(true)
    })

    it("returns 100 events by default and at most 1,000", async () => {
      const { store, backend } = fx.get()
      const chunk = Math.min(backend.capabilities.maxBatch, 500)
      for (let left = 1001; left > 0; left -= chunk) {
        await store.events.appendMany(
          Array.from({ length: Math.min(chunk, left) }, () => ({ kind: "k" })),
        )
      }
      const page = await store.events.query()
      expect(page.events).toHaveLength(100)
      expect(page.hasMore).toBe(true)
      const max = await store.events.query({ limit: 1000 })
      expect(max.events).toHaveLength(1000)
      expect(max.hasMore).toBe(true)
      await expectError(store.events.query({ limit: 1001 }), "VALIDATION", "limit")
      await expectError(store.events.query({ limit: 0 }), "VALIDATION", "limit")
      await expectError(store.events.query({ limit: -5 }), "VALIDATION", "limit")
    })

    it("counts and summarises with the same filters, in the database", async () => {
      const all = await seed(fx.get())
      const { store } = fx.get()
      expect(await store.events.count()).toBe(12)
      expect(await store.events.count({ agent: "a", since: at(5000) })).toBe(4)
      expect(await store.events.summary()).toEqual({
        total: 12,
        byKind: { root: 1, output: 3, thinking: 4, tool_use: 4 },
        sessions: 2,
        firstTime: at(0),
        lastTime: at(11_000),
      })
      expect(await store.events.summary({ sessionId: all[2]?.sessionId as string })).toEqual({
        total: 5,
        byKind: { output: 1, thinking: 2, tool_use: 2 },
        sessions: 1,
        firstTime: at(2000),
        lastTime: at(10_000),
      })
      expect(await store.events.summary({ kinds: ["nothing"] })).toEqual({
        total: 0,
        byKind: {},
        sessions: 0,
        firstTime: null,
        lastTime: null,
      })
    })
  })
}
