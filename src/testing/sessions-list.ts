import { describe, expect, it } from "vitest"
import type { Session } from "../core/types.js"
import {
  at,
  type ConformanceTarget,
  expectError,
  type Fixture,
  rand,
  useFixture,
} from "./harness.js"

/** Sessions listing: filters, ordering, keyset and offset pages, `hasMore`, `total`. */
export function sessionListTests(target: ConformanceTarget): void {
  describe("sessions.list", () => {
    const fx = useFixture(target)

    /** Six sessions: created at 0..5 s, two agents, updated in reverse order at 10..15 s. */
    async function seed({ store, clock }: Fixture): Promise<Session[]> {
      const made: Session[] = []
      for (let i = 0; i < 6; i++) {
        clock.set(Date.parse(at(i * 1000)))
        const agent = i % 2 === 0 ? "even" : "odd"
        made.push(await store.sessions.create({ agent, metadata: { i, tag: `t${i % 3}` } }))
      }
      for (let i = 5; i >= 0; i--) {
        clock.set(Date.parse(at(10_000 + (5 - i) * 1000)))
        made[i] = await store.sessions.update((made[i] as Session).id, { title: `s${i}` })
      }
      return made
    }
    const ids = (items: Session[]) => items.map((s) => s.id)

    it("orders by createdAt desc by default, asc on request, and by updatedAt", async () => {
      const made = await seed(fx.get())
      const { store } = fx.get()
      expect(ids((await store.sessions.list()).items)).toEqual(ids(made).reverse())
      expect(ids((await store.sessions.list({ order: "asc" })).items)).toEqual(ids(made))
      const byUpdate = await store.sessions.list({ orderBy: "updatedAt", order: "asc" })
      expect(ids(byUpdate.items)).toEqual(ids(made).reverse())
    })

    it("filters by agent, time ranges (since inclusive, until exclusive) and metadata", async () => {
      const made = await seed(fx.get())
      const { store } = fx.get()
      const list = async (q: Parameters<typeof store.sessions.list>[0]) =>
        ids((await store.sessions.list({ order: "asc", ...q })).items)
      expect(await list({ agent: "odd" })).toEqual(ids([made[1], made[3], made[5]] as Session[]))
      expect(await list({ createdSince: at(2000), createdUntil: at(4000) })).toEqual(
        ids(made.slice(2, 4)),
      )
      expect(await list({ createdSince: new Date(at(5000)) })).toEqual(ids(made.slice(5)))
      expect(await list({ updatedSince: at(14_000) })).toEqual(ids(made.slice(0, 2)))
      expect(await list({ updatedUntil: Date.parse(at(11_000)) })).toEqual(ids(made.slice(5)))
      expect(await list({ metadata: { tag: "t1" } })).toEqual(ids([made[1], made[4]] as Session[]))
      expect(await list({ metadata: { i: 3, tag: "t0" } })).toEqual(ids([made[3]] as Session[]))
      expect(await list({ metadata: { i: "3" } })).toEqual([])
      expect(await list({ agent: "even", metadata: { i: 1 } })).toEqual([])
    })

    it("matches metadata values by JSON type: booleans, null and numbers", async () => {
      const { store } = fx.get()
      const a = await store.sessions.create({
        agent: "a",
        metadata: { on: true, gone: null, n: 1 },
      })
      await store.sessions.create({ agent: "a", metadata: { on: "true", gone: "null", n: "1" } })
      await store.sessions.create({ agent: "a", metadata: { on: false } })
      for (const metadata of [{ on: true }, { gone: null }, { n: 1 }]) {
        expect(ids((await store.sessions.list({ metadata })).items)).toEqual([a.id])
      }
    })

    it("walks keyset pages without gaps or repeats, even when times tie", async () => {
      const { store } = fx.get()
      const made: string[] = []
      for (let i = 0; i < 23; i++) made.push((await store.sessions.create({ agent: "tie" })).id)
      for (const order of ["asc", "desc"] as const) {
        const seen: string[] = []
        let cursor: string | undefined
        for (;;) {
          const page = await store.sessions.list({ order, limit: 5, ...(cursor ? { cursor } : {}) })
          seen.push(...ids(page.items))
          expect(page.hasMore).toBe(page.nextCursor !== undefined)
          if (!page.nextCursor) break
          cursor = page.nextCursor
        }
        expect(seen).toHaveLength(23)
        expect(new Set(seen).size).toBe(23)
        const all = ids((await store.sessions.list({ order, limit: 100 })).items)
        expect(seen).toEqual(all)
      }
    })

    it("breaks time ties by id in code-unit order, whatever the database's collation", async () => {
      const { store } = fx.get()
      const suffix = rand("")
      const made = ["b", "B", "a", "A", "_", "0", "a.b", "a-b", "Z"].map((p) => `${p}${suffix}`)
      for (const id of made) await store.sessions.create({ id, agent: "tie" })
      const sorted = [...made].sort()
      expect(ids((await store.sessions.list({ order: "asc" })).items)).toEqual(sorted)
      const page = await store.sessions.list({ order: "asc", limit: 4 })
      const rest = await store.sessions.list({ order: "asc", cursor: page.nextCursor as string })
      expect(ids([...page.items, ...rest.items])).toEqual(sorted)
    })

    it("pages by limit and offset, with hasMore and total on request", async () => {
      const made = await seed(fx.get())
      const { store } = fx.get()
      const first = await store.sessions.list({ order: "asc", limit: 4, total: true })
      expect(ids(first.items)).toEqual(ids(made.slice(0, 4)))
      expect(first).toMatchObject({ hasMore: true, total: 6 })
      const second = await store.sessions.list({ order: "asc", limit: 4, offset: 4, total: true })
      expect(ids(second.items)).toEqual(ids(made.slice(4)))
      expect(second).toMatchObject({ hasMore: false, total: 6 })
      expect(second.nextCursor).toBeUndefined()
      expect((await store.sessions.list()).total).toBeUndefined()
      const filtered = await store.sessions.list({ agent: "odd", limit: 1, total: true })
      expect(filtered).toMatchObject({ hasMore: true, total: 3 })
      const past = await store.sessions.list({ offset: 10 })
      expect(past).toMatchObject({ items: [], hasMore: false })
    })

    it("rejects bad list queries with ValidationError naming the field", async () => {
      const { store } = fx.get()
      const list = store.sessions.list
      await expectError(list({ limit: 0 }), "VALIDATION", "limit")
      await expectError(list({ limit: 1001 }), "VALIDATION", "limit")
      await expectError(list({ limit: 2.5 }), "VALIDATION", "limit")
      await expectError(list({ offset: -1 }), "VALIDATION", "offset")
      await expectError(list({ cursor: "nope" }), "VALIDATION", "cursor")
      await expectError(list({ order: "up" as "asc" }), "VALIDATION", "order")
      await expectError(list({ orderBy: "title" as "createdAt" }), "VALIDATION", "orderBy")
      await expectError(list({ createdSince: "yesterday" }), "VALIDATION", "createdSince")
      await expectError(list({ metadata: { "a.b": 1 } }), "VALIDATION", "metadata.a.b")
      await expectError(list({ metadata: { a: {} as never } }), "VALIDATION", "metadata.a")
      await store.sessions.create({ agent: "a" })
      await store.sessions.create({ agent: "a" })
      const page = await list({ limit: 1 })
      expect(page.nextCursor).toBeDefined()
      await expectError(list({ cursor: page.nextCursor ?? "x", offset: 1 }), "VALIDATION", "cursor")
    })
  })
}
