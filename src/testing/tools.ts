import { describe, expect, it } from "vitest"
import { at, type ConformanceTarget, expectError, rand, useFixture } from "./harness.js"

/** Tool invocations: start, finish, record, get. */
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
  })
}
