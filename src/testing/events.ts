import { describe, expect, it } from "vitest"
import type { Event } from "../core/types.js"
import { at, type ConformanceTarget, expectError, rand, useFixture } from "./harness.js"

/** True when every cursor is greater than the one before it. */
export function increasing(events: Event[]): boolean {
  return events.every((e, i) => i === 0 || BigInt(e.cursor) > BigInt(events[i - 1]?.cursor ?? 0))
}

/** Events: append, idempotency by id, cursors, get, parent, tail, delete. */
export function eventsTests(target: ConformanceTarget): void {
  describe("events", () => {
    const fx = useFixture(target)

    it("appends an event with defaults, the clock's time and a decimal cursor", async () => {
      const { store, clock } = fx.get()
      clock.advance(250)
      const e = await store.events.append({ kind: "output" })
      expect(e).toMatchObject({
        namespace: store.namespace,
        kind: "output",
        data: null,
        text: null,
        sessionId: null,
        agent: null,
        parentId: null,
        artifactRef: null,
        time: at(250),
      })
      expect(e.cursor).toMatch(/^(0|[1-9]\d*)$/)
      expect(await store.events.get(e.id)).toEqual(e)
      const s = await store.sessions.create({ agent: "a" })
      const full = await store.events.append({
        kind: "tool_use",
        data: { tool: "grep", args: ["-r", "x"] },
        text: "grep -r x",
        sessionId: s.id,
        agent: "a",
        parentId: e.id,
        artifactRef: "art_1",
        time: at(99),
      })
      expect(full).toMatchObject({ text: "grep -r x", sessionId: s.id, time: at(99) })
      expect(await store.events.get(full.id)).toEqual(full)
    })

    it("gives cursors that increase strictly, within a batch and across calls", async () => {
      const { store } = fx.get()
      const first = await store.events.appendMany(
        Array.from({ length: 5 }, (_, i) => ({ kind: "k", data: i })),
      )
      const second = await store.events.append({ kind: "k" })
      const all = [...first, second]
      expect(increasing(all)).toBe(true)
      expect((await store.events.query()).events).toEqual(all)
    })

    it("stores one event for a re-sent id and returns the original", async () => {
      const { store, clock } = fx.get()
      const id = rand("e")
      const first = await store.events.append({ id, kind: "output", data: { a: 1 }, text: "t" })
      clock.advance(1000)
      const again = await store.events.append({ id, kind: "output", data: { a: 1 }, text: "t" })
      expect(again).toEqual(first)
      const batch = await store.events.appendMany([
        { id, kind: "output", data: { a: 1 }, text: "t" },
        { id: rand("e"), kind: "output" },
      ])
      expect(batch[0]).toEqual(first)
      expect(await store.events.count()).toBe(2)
    })

    it("refuses a re-sent id with different content: ConflictError naming the id", async () => {
      const { store } = fx.get()
      const id = rand("e")
      await store.events.append({ id, kind: "output", data: { a: 1 } })
      for (const changed of [{ data: { a: 2 } }, { kind: "error" }, { text: "now" }]) {
        const error = await expectError(
          store.events.append({ id, kind: "output", data: { a: 1 }, ...changed }),
          "CONFLICT",
        )
        expect(error.details.id).toBe(id)
        expect(error.message).toContain(id)
      }
      const fresh = rand("e")
      await expectError(
        store.events.appendMany([
          { id: fresh, kind: "output" },
          { id, kind: "output", data: "other" },
        ]),
        "CONFLICT",
      )
      await expectError(store.events.get(fresh), "NOT_FOUND")
      expect(await store.events.count()).toBe(1)
    })

    it("reads the parent of an event and the newest n as a tail, oldest first", async () => {
      const { store } = fx.get()
      const root = await store.events.append({ kind: "prompt_sent" })
      const child = await store.events.append({ kind: "output", parentId: root.id })
      expect(await store.events.parent(child.id)).toEqual(root)
      expect(await store.events.parent(root.id)).toBeNull()
      await expectError(store.events.parent(rand("e")), "NOT_FOUND")
      const more = await store.events.appendMany(
        Array.from({ length: 5 }, (_, i) => ({ kind: i % 2 ? "a" : "b" })),
      )
      expect(await store.events.tail(3)).toEqual(more.slice(2))
      expect(await store.events.tail(2, { kinds: ["a"] })).toEqual([more[1], more[3]])
      expect(await store.events.tail(100)).toEqual([root, child, ...more])
      await expectError(store.events.tail(0), "VALIDATION", "n")
    })

    it("deletes by session or by agent, never touching other rows", async () => {
      const { store } = fx.get()
      const [s1, s2] = [
        await store.sessions.create({ agent: "a" }),
        await store.sessions.create({ agent: "b" }),
      ]
      await store.events.appendMany([
        { kind: "k", sessionId: s1.id, agent: "a" },
        { kind: "k", sessionId: s1.id, agent: "a" },
        { kind: "k", sessionId: s2.id, agent: "b" },
        { kind: "k", agent: "a" },
        { kind: "k", agent: "b" },
        { kind: "k" },
      ])
      const other = store.withNamespace(rand("ns"))
      await other.events.appendMany([{ kind: "k", agent: "a" }, { kind: "k" }])
      expect(await store.events.delete({ sessionId: s1.id })).toBe(2)
      expect(await store.events.count()).toBe(4)
      expect(await store.events.delete({ agent: "a" })).toBe(1)
      expect(await store.events.count({ agent: "b" })).toBe(2)
      expect(await store.events.count()).toBe(3)
      expect(await other.events.count({ agent: "a" })).toBe(1)
      expect(await store.events.delete({ agent: "nobody" })).toBe(0)
      await expectError(store.events.delete({} as { agent: string }), "VALIDATION", "scope")
    })
  })
}
