import { describe, expect, it } from "vitest"
import type { ListToolsQuery, ToolInvocation } from "../core/types.js"
import { at, type ConformanceTarget, expectError, rand, useFixture } from "./harness.js"

/** Tool invocations: listing filters, ordering, pages; deleting by plan. */
export function toolListTests(target: ConformanceTarget): void {
  describe("tools.list", () => {
    const fx = useFixture(target)

    it("lists by session, plan, tool, status and time, newest first, in pages", async () => {
      const { store, clock } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const made: ToolInvocation[] = []
      for (let i = 0; i < 9; i++) {
        clock.set(Date.parse(at(i < 6 ? i * 1000 : 5000)))
        const tool = await store.tools.start({
          tool: i % 2 ? "read" : "write",
          ...(i < 4 ? { sessionId: s.id } : {}),
          planId: i % 3 ? "p1" : "p2",
        })
        made.push(i % 4 === 0 ? await store.tools.finish(tool.id, { status: "cancelled" }) : tool)
      }
      const ids = (keep: (t: ToolInvocation, i: number) => boolean) =>
        made.filter(keep).map((t) => t.id)
      const list = async (q: ListToolsQuery) =>
        (await store.tools.list({ order: "asc", ...q })).items.map((t) => t.id)
      expect(await list({ sessionId: s.id })).toEqual(ids((_, i) => i < 4))
      expect(await list({ planId: "p2" })).toEqual(ids((_, i) => i % 3 === 0))
      expect(await list({ tool: "read" })).toEqual(ids((_, i) => i % 2 === 1))
      expect(await list({ status: "cancelled" })).toEqual(ids((_, i) => i % 4 === 0))
      expect(await list({ since: at(2000), until: at(4000) })).toEqual(
        ids((_, i) => i === 2 || i === 3),
      )
      expect(await list({ tool: "write", status: "running", planId: "p1" })).toEqual(
        ids((_, i) => i === 2),
      )
      const desc = (await store.tools.list()).items.map((t) => t.id)
      expect(desc).toEqual(ids(() => true).reverse())
      for (const order of ["asc", "desc"] as const) {
        const seen: string[] = []
        let cursor: string | undefined
        for (;;) {
          const page = await store.tools.list({ order, limit: 2, ...(cursor ? { cursor } : {}) })
          seen.push(...page.items.map((t) => t.id))
          if (!page.nextCursor) break
          cursor = page.nextCursor
        }
        expect(seen).toEqual(order === "asc" ? ids(() => true) : desc)
      }
      await expectError(store.tools.list({ status: "done" as "running" }), "VALIDATION", "status")
      await expectError(store.tools.list({ limit: 1001 }), "VALIDATION", "limit")
    })

    it("deletes the invocations of one plan only", async () => {
      const { store } = fx.get()
      for (const planId of ["p1", "p1", "p2"]) await store.tools.start({ tool: "t", planId })
      await store.tools.start({ tool: "t" })
      const other = store.withNamespace(rand("ns"))
      await other.tools.start({ tool: "t", planId: "p1" })
      expect(await store.tools.deleteByPlan("p1")).toBe(2)
      expect(await store.tools.deleteByPlan("p1")).toBe(0)
      expect((await store.tools.list()).items).toHaveLength(2)
      expect((await other.tools.list({ planId: "p1" })).items).toHaveLength(1)
    })
  })
}
