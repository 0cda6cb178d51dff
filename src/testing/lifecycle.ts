import { describe, expect, it } from "vitest"
import { type ConformanceTarget, expectError, rand, useFixture } from "./harness.js"

/** Close, dispose and namespace isolation. */
export function lifecycleTests(target: ConformanceTarget): void {
  describe("lifecycle and namespaces", () => {
    const fx = useFixture(target)

    it("raises StoreClosedError after close, in every domain and every view", async () => {
      const { store } = await fx.fresh()
      const s = await store.sessions.create({ agent: "a" })
      const view = store.withNamespace("other")
      await store.close()
      expect(store.closed).toBe(true)
      expect(view.closed).toBe(true)
      const calls: (() => Promise<unknown>)[] = [
        () => store.sessions.get(s.id),
        () => store.sessions.create({ agent: "a" }),
        () => store.sessions.list(),
        () => store.messages.append(s.id, { role: "user", content: "x" }),
        () => store.messages.list(s.id),
        () => store.events.append({ kind: "k" }),
        () => store.events.query(),
        () => store.events.count(),
        () => store.tools.start({ tool: "t" }),
        () => store.tools.list(),
        () => store.migrationStatus(),
        () => view.sessions.list(),
      ]
      for (const [i, call] of calls.entries()) {
        let pending: Promise<unknown> | undefined
        expect(() => {
          pending = call()
        }, `call ${i} must reject, not throw`).not.toThrow()
        await expectError(pending as Promise<unknown>, "STORE_CLOSED")
      }
      await store.close()
      await view.close()
    })

    it("closes through Symbol.asyncDispose", async () => {
      const { store } = await fx.fresh()
      {
        await using scoped = store
        await scoped.sessions.create({ agent: "a" })
      }
      expect(store.closed).toBe(true)
      await expectError(store.sessions.list(), "STORE_CLOSED")
      await store[Symbol.asyncDispose]()
    })

    it("never lets a namespace see or change another's records", async () => {
      const { store } = fx.get()
      const other = store.withNamespace(rand("ns"))
      expect(other.namespace).not.toBe(store.namespace)
      const s = await store.sessions.create({ id: rand("s"), agent: "a" })
      const m = await store.messages.append(s.id, { role: "user", content: "x" })
      const e = await store.events.append({ kind: "k", sessionId: s.id, agent: "a" })
      const t = await store.tools.start({ tool: "t", sessionId: s.id, planId: "p" })
      await expectError(other.sessions.get(s.id), "NOT_FOUND")
      await expectError(other.sessions.update(s.id, { title: "x" }), "NOT_FOUND")
      await expectError(other.sessions.addUsage(s.id, { input: 1 }), "NOT_FOUND")
      await expectError(other.sessions.delete(s.id), "NOT_FOUND")
      await expectError(other.messages.append(s.id, { role: "user", content: "y" }), "NOT_FOUND")
      await expectError(other.messages.list(s.id), "NOT_FOUND")
      await expectError(other.messages.truncate(s.id, 0), "NOT_FOUND")
      await expectError(other.messages.get(m.id), "NOT_FOUND")
      await expectError(other.events.get(e.id), "NOT_FOUND")
      await expectError(other.events.append({ kind: "k", sessionId: s.id }), "VALIDATION")
      await expectError(other.tools.get(t.id), "NOT_FOUND")
      await expectError(other.tools.finish(t.id, { status: "cancelled" }), "NOT_FOUND")
      expect(await other.events.count()).toBe(0)
      expect(await other.events.query()).toEqual({ events: [], hasMore: false })
      expect(await other.events.delete({ agent: "a" })).toBe(0)
      expect(await other.tools.deleteByPlan("p")).toBe(0)
      expect((await other.sessions.list({ total: true })).total).toBe(0)
      expect((await other.tools.list()).items).toEqual([])
      const twin = await other.sessions.create({ id: s.id, agent: "a" })
      expect(twin.number).toBe(1)
      await other.messages.append(s.id, { id: m.id, role: "user", content: "different" })
      await other.events.append({ id: e.id, kind: "other" })
      expect(await store.messages.get(m.id)).toEqual(m)
      expect(await store.events.get(e.id)).toEqual(e)
      expect(await store.tools.get(t.id)).toEqual(t)
      expect(await store.messages.count(s.id)).toBe(1)
    })

    it("rejects malformed namespaces", () => {
      const { store } = fx.get()
      for (const ns of ["", "a b", "-x", "x".repeat(65), "a/b"]) {
        expect(() => store.withNamespace(ns)).toThrowError(/namespace/)
      }
    })
  })
}
