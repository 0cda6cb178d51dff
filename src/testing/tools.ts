import { describe, expect, it } from "vitest"
import type { ListToolsQuery, ToolInvocation } from "../core/types.js"
import { at, type ConformanceTarget, expectError, rand, useFixture } from "./harness.js"

/** Tool invocations: start, finish, record, get, list, delete by plan. */
export function toolsTests(target: ConformanceTarget): void {
  describe("tools", () => {
    const fx = useFixture(target)

    it("starts running and finishes with a result, finish time and duration", async () => {
      const { store, clock } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const started = await store.tools.start({
        tool: "read_file",
        arguments: { path: "a.txt" },
        sessionId: s.id,
        planId: "plan-1",
        changesetId: "cs-1",
        changeIds: ["c1"],
        resourceRefs: [{ uri: "file:///a.txt" }],
        providerMetadata: { model: "m" },
      })
      expect(started).toMatchObject({
        namespace: store.namespace,
        tool: "read_file",
        status: "running",
        arguments: { path: "a.txt" },
        result: null,
        error: null,
        sessionId: s.id,
        planId: "plan-1",
        changesetId: "cs-1",
        changeIds: ["c1"],
        resourceRefs: [{ uri: "file:///a.txt" }],
        providerMetadata: { model: "m" },
        startedAt: at(0),
        finishedAt: null,
        durationMs: null,
      })
      expect(await store.tools.get(started.id)).toEqual(started)
      clock.advance(1500)
      const done = await store.tools.finish(started.id, { status: "succeeded", result: "text" })
      expect(done).toMatchObject({ status: "succeeded", result: "text", error: null })
      expect(done).toMatchObject({ finishedAt: at(1500), durationMs: 1500 })
      expect(await store.tools.get(started.id)).toEqual(done)
    })

    it("finishes as failed (error required) or cancelled; a second finish is a conflict", async () => {
      const { store } = fx.get()
      const a = await store.tools.start({ tool: "t" })
      await expectError(store.tools.finish(a.id, { status: "failed" }), "VALIDATION", "error")
      const failed = await store.tools.finish(a.id, { status: "failed", error: { msg: "boom" } })
      expect(failed).toMatchObject({ status: "failed", error: { msg: "boom" } })
      const error = await expectError(
        store.tools.finish(a.id, { status: "succeeded", result: 1 }),
        "CONFLICT",
      )
      expect(error.details.id).toBe(a.id)
      expect(await store.tools.get(a.id)).toEqual(failed)
      const b = await store.tools.start({ tool: "t" })
      expect((await store.tools.finish(b.id, { status: "cancelled" })).status).toBe("cancelled")
      await expectError(store.tools.finish(rand("t"), { status: "cancelled" }), "NOT_FOUND")
      await expectError(store.tools.finish(b.id, { status: "running" as "failed" }), "VALIDATION")
      const c = await store.tools.start({ tool: "t", startedAt: at(5000) })
      await expectError(
        store.tools.finish(c.id, { status: "cancelled", finishedAt: at(4999) }),
        "VALIDATION",
        "finishedAt",
      )
      await expectError(
        store.tools.record({ tool: "t", status: "cancelled", startedAt: at(9), finishedAt: at(8) }),
        "VALIDATION",
        "finishedAt",
      )
      await expectError(
        store.tools.record({ tool: "t", status: "succeeded", error: "x" }),
        "VALIDATION",
        "error",
      )
      expect(await store.tools.get(c.id)).toEqual(c)
      const done = await store.tools.finish(c.id, { status: "cancelled", finishedAt: at(5000) })
      expect(done).toMatchObject({ finishedAt: at(5000), durationMs: 0 })
    })

    it("records a finished invocation in one call and re-sends by id idempotently", async () => {
      const { store } = fx.get()
      const id = rand("t")
      const input = {
        id,
        tool: "search",
        arguments: { q: "x" },
        status: "succeeded" as const,
        result: [1, 2],
        startedAt: at(100),
        finishedAt: at(350),
      }
      const recorded = await store.tools.record(input)
      expect(recorded).toMatchObject({ status: "succeeded", result: [1, 2], durationMs: 250 })
      expect(await store.tools.record(input)).toEqual(recorded)
      const started = await store.tools.start({ id: rand("t"), tool: "t", arguments: 1 })
      expect(await store.tools.start({ id: started.id, tool: "t", arguments: 1 })).toEqual(started)
      await expectError(store.tools.start({ id: started.id, tool: "t", arguments: 2 }), "CONFLICT")
      await expectError(store.tools.get(rand("t")), "NOT_FOUND")
    })

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
