import { describe, expect, it } from "vitest"
import type { Session } from "../core/types.js"
import { at, type ConformanceTarget, expectError, rand, useFixture } from "./harness.js"
import { race, succeeded } from "./race.js"

/**
 * Concurrent creates in the race test: in threads, enough that the racers overlap many times
 * over, not only at their start; as promises in one thread, what a connection pool overlaps.
 */
const CREATES = { threads: 2000, promises: 40 }

/** Sessions: create, get, per-agent numbers, update, delete with cascade, usage. */
export function sessionsTests(target: ConformanceTarget): void {
  describe("sessions", () => {
    const fx = useFixture(target)

    it("creates a session with defaults and reads it back", async () => {
      const { store, clock } = fx.get()
      const session = await store.sessions.create({ agent: "planner", title: "first" })
      expect(session).toMatchObject({
        namespace: store.namespace,
        agent: "planner",
        number: 1,
        title: "first",
        metadata: {},
        usage: { input: 0, output: 0, total: 0, extra: {} },
        messageCount: 0,
        lastSequence: 0,
        createdAt: new Date(clock()).toISOString(),
        updatedAt: new Date(clock()).toISOString(),
      })
      expect(session.id).toMatch(/^[0-9A-Z]{26}$/)
      expect(await store.sessions.get(session.id)).toEqual(session)
    })

    it("keeps a caller-supplied id and refuses it twice with ConflictError", async () => {
      const { store } = fx.get()
      const id = rand("s")
      expect((await store.sessions.create({ id, agent: "a" })).id).toBe(id)
      await expectError(store.sessions.create({ id, agent: "a" }), "CONFLICT")
      const page = await store.sessions.list({ total: true })
      expect(page.total).toBe(1)
    })

    it("numbers sessions per agent as the previous maximum + 1", async () => {
      const { store } = fx.get()
      const numbers = []
      for (const agent of ["a", "a", "b", "a", "b"]) {
        numbers.push((await store.sessions.create({ agent })).number)
      }
      expect(numbers).toEqual([1, 2, 1, 3, 2])
      const third = (await store.sessions.list({ agent: "a", order: "desc" })).items[0]
      await store.sessions.delete(third?.id as string)
      expect((await store.sessions.create({ agent: "a" })).number).toBe(3)
      const first = (await store.sessions.list({ agent: "a", order: "asc" })).items[0]
      await store.sessions.delete(first?.id as string)
      expect((await store.sessions.create({ agent: "a" })).number).toBe(4)
    })

    it("assigns distinct numbers to concurrent creators of one agent", async () => {
      const { store, backend } = fx.get()
      const create = { method: "sessions.create", args: [{ agent: "busy" }] }
      const n = target.threads ? CREATES.threads : CREATES.promises
      const racers = Array.from({ length: 4 }, () => Array.from({ length: n / 4 }, () => create))
      const created = (await race(store, backend, target.threads, racers)).flat()
      const numbers = created.map((o) => succeeded<Session>(o).number).sort((x, y) => x - y)
      expect(numbers).toEqual(Array.from({ length: n }, (_, i) => i + 1))
    })

    it("updates the title and merges or replaces metadata, bumping updatedAt", async () => {
      const { store, clock } = fx.get()
      const s = await store.sessions.create({ agent: "a", metadata: { x: 1, y: { z: 2 } } })
      clock.advance(1000)
      const merged = await store.sessions.update(s.id, { title: "t", metadata: { y: 3, w: "w" } })
      expect(merged.title).toBe("t")
      expect(merged.metadata).toEqual({ x: 1, y: 3, w: "w" })
      expect(merged.updatedAt).toBe(at(1000))
      expect(merged.createdAt).toBe(s.createdAt)
      const replaced = await store.sessions.update(s.id, {
        metadata: { only: true },
        replaceMetadata: true,
      })
      expect(replaced.metadata).toEqual({ only: true })
      expect(replaced.title).toBe("t")
      const cleared = await store.sessions.update(s.id, { title: null })
      expect(cleared.title).toBeNull()
      expect(await store.sessions.get(s.id)).toEqual(cleared)
      await expectError(store.sessions.update(rand("s"), { title: "x" }), "NOT_FOUND")
    })

    it("deletes a session with its messages, events and tool invocations only", async () => {
      const { store } = fx.get()
      const [s, other] = [
        await store.sessions.create({ agent: "a" }),
        await store.sessions.create({ agent: "a" }),
      ]
      for (const sessionId of [s.id, other.id]) {
        await store.messages.append(sessionId, { role: "user", content: "hi" })
        await store.events.append({ kind: "output", sessionId })
        await store.tools.start({ tool: "grep", sessionId })
      }
      const doomed = {
        message: (await store.messages.list(s.id)).messages[0]?.id as string,
        event: (await store.events.query({ sessionId: s.id })).events[0]?.id as string,
        tool: (await store.tools.list({ sessionId: s.id })).items[0]?.id as string,
      }
      await store.sessions.delete(s.id)
      await expectError(store.sessions.get(s.id), "NOT_FOUND")
      await expectError(store.messages.get(doomed.message), "NOT_FOUND")
      await expectError(store.events.get(doomed.event), "NOT_FOUND")
      await expectError(store.tools.get(doomed.tool), "NOT_FOUND")
      expect(await store.events.count({ sessionId: s.id })).toBe(0)
      expect(await store.messages.count(other.id)).toBe(1)
      expect(await store.events.count({ sessionId: other.id })).toBe(1)
      expect((await store.tools.list({ sessionId: other.id })).items).toHaveLength(1)
      await expectError(store.sessions.delete(s.id), "NOT_FOUND")
    })

    it("adds token usage cumulatively, with named counters", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      await store.sessions.addUsage(s.id, { input: 10, output: 5, total: 15, extra: { cache: 2 } })
      const after = await store.sessions.addUsage(s.id, { input: 1, extra: { cache: 3, r: 4 } })
      expect(after.usage).toEqual({ input: 11, output: 5, total: 15, extra: { cache: 5, r: 4 } })
      expect((await store.sessions.get(s.id)).usage).toEqual(after.usage)
    })

    it("counts usage up to Number.MAX_SAFE_INTEGER and refuses to overflow it", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a", title: "" })
      expect(s.title).toBe("")
      const max = Number.MAX_SAFE_INTEGER
      await store.sessions.addUsage(s.id, { input: max - 1, extra: { big: max } })
      const full = await store.sessions.addUsage(s.id, { input: 1 })
      expect(full.usage).toMatchObject({ input: max, extra: { big: max } })
      await expectError(store.sessions.addUsage(s.id, { input: 1 }), "VALIDATION", "usage.input")
      await expectError(
        store.sessions.addUsage(s.id, { extra: { big: 1 } }),
        "VALIDATION",
        "usage.extra.big",
      )
      expect(await store.sessions.get(s.id)).toEqual(full)
    })

    it("rejects negative or non-integer usage and changes nothing", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      await store.sessions.addUsage(s.id, { input: 3 })
      const before = await store.sessions.get(s.id)
      await expectError(store.sessions.addUsage(s.id, { input: -1 }), "VALIDATION", "usage.input")
      await expectError(
        store.sessions.addUsage(s.id, { output: 1.5 }),
        "VALIDATION",
        "usage.output",
      )
      await expectError(
        store.sessions.addUsage(s.id, { input: 1, extra: { c: -2 } }),
        "VALIDATION",
        "usage.extra.c",
      )
      await expectError(store.sessions.addUsage(rand("s"), { input: 1 }), "NOT_FOUND")
      expect(await store.sessions.get(s.id)).toEqual(before)
    })
  })
}
