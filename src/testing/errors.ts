import { describe, expect, it } from "vitest"
import { type ConformanceTarget, expectError, footprint, rand, useFixture } from "./harness.js"

/** Duplicates, batch limits, unknown sessions and NotFoundError. */
export function errorsTests(target: ConformanceTarget): void {
  describe("errors", () => {
    const fx = useFixture(target)

    it("rejects duplicate ids within one call and batches over capabilities.maxBatch", async () => {
      const { store, backend } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const id = rand("x")
      const twice = [
        { id, role: "user", content: 1 },
        { id, role: "user", content: 1 },
      ]
      await expectError(store.messages.appendMany(s.id, twice), "VALIDATION", "messages")
      await expectError(
        store.events.appendMany([
          { id, kind: "k" },
          { id, kind: "k" },
        ]),
        "VALIDATION",
        "events",
      )
      const over = backend.capabilities.maxBatch + 1
      const messages = Array.from({ length: over }, () => ({ role: "user", content: 1 }))
      await expectError(store.messages.appendMany(s.id, messages), "VALIDATION", "messages")
      const events = Array.from({ length: over }, () => ({ kind: "k" }))
      await expectError(store.events.appendMany(events), "VALIDATION", "events")
      expect(await store.messages.count(s.id)).toBe(0)
      expect(await store.events.count()).toBe(0)
    })

    it("refuses a backend event batch that spans two namespaces, writing nothing", async () => {
      const { store, backend } = fx.get()
      const other = store.withNamespace(rand("ns"))
      const row = (namespace: string) => ({
        namespace,
        id: rand("e"),
        kind: "k",
        data: "null",
        text: null,
        session_id: null,
        agent: null,
        parent_id: null,
        artifact_ref: null,
        time: 0,
      })
      const mixed = [row(store.namespace), row(other.namespace)]
      for (const checkExisting of [false, true]) {
        await expectError(backend.appendEvents(mixed, { checkExisting }), "VALIDATION", "events")
      }
      expect(await store.events.count()).toBe(0)
      expect(await other.events.count()).toBe(0)
    })

    it("rejects references to unknown sessions with ValidationError on sessionId", async () => {
      const { store } = fx.get()
      const missing = rand("s")
      await expectError(
        store.events.append({ kind: "k", sessionId: missing }),
        "VALIDATION",
        "sessionId",
      )
      await expectError(
        store.tools.start({ tool: "t", sessionId: missing }),
        "VALIDATION",
        "sessionId",
      )
      await expectError(
        store.tools.record({ tool: "t", sessionId: missing, status: "cancelled" }),
        "VALIDATION",
        "sessionId",
      )
      expect(await footprint(store)).toEqual({ sessions: 0, messages: 0, events: 0, tools: 0 })
    })

    it("raises NotFoundError naming the entity and id, with a stable JSON body", async () => {
      const { store } = fx.get()
      const id = rand("s")
      const error = await expectError(store.sessions.get(id), "NOT_FOUND")
      expect(error.details).toMatchObject({ entity: "session", id })
      expect(JSON.parse(JSON.stringify(error))).toEqual({
        error: { code: "NOT_FOUND", message: error.message, details: error.details },
      })
    })
  })
}
