import { describe, expect, it } from "vitest"
import type { Message } from "../core/types.js"
import { at, type ConformanceTarget, expectError, rand, useFixture } from "./harness.js"

/** Messages: gap-free sequences, session bump, optimistic concurrency, idempotency. */
export function messagesTests(target: ConformanceTarget): void {
  describe("messages", () => {
    const fx = useFixture(target)
    const seqs = (messages: Message[]) => messages.map((m) => m.sequence)

    it("assigns sequences 1..n and bumps the session in the same write", async () => {
      const { store, clock } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      clock.advance(500)
      const one = await store.messages.append(s.id, { role: "user", content: "hello" })
      expect(one).toMatchObject({ sessionId: s.id, sequence: 1, role: "user", content: "hello" })
      expect(one).toMatchObject({ name: null, toolCallId: null, usage: null, metadata: {} })
      expect(one.createdAt).toBe(at(500))
      clock.advance(500)
      const many = await store.messages.appendMany(s.id, [
        { role: "assistant", content: [{ type: "text", text: "hi" }], usage: { input: 3 } },
        { role: "tool", content: { ok: true }, name: "grep", toolCallId: "call_1" },
      ])
      expect(seqs(many)).toEqual([2, 3])
      expect(many[1]).toMatchObject({ name: "grep", toolCallId: "call_1" })
      expect(await store.messages.get(one.id)).toEqual(one)
      const session = await store.sessions.get(s.id)
      expect(session).toMatchObject({ messageCount: 3, lastSequence: 3, updatedAt: at(1000) })
      expect(await store.messages.count(s.id)).toBe(3)
    })

    it("checks expectedSequence and writes nothing on a conflict", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const m = { role: "user", content: "x" }
      await store.messages.append(s.id, m, { expectedSequence: 0 })
      await store.messages.appendMany(s.id, [m, m], { expectedSequence: 1 })
      const error = await expectError(
        store.messages.appendMany(s.id, [m, m], { expectedSequence: 1 }),
        "CONFLICT",
      )
      expect(error.message).toContain("3")
      expect(await store.messages.count(s.id)).toBe(3)
      expect((await store.sessions.get(s.id)).lastSequence).toBe(3)
      expect((await store.messages.append(s.id, m, { expectedSequence: 3 })).sequence).toBe(4)
    })

    it("returns the stored messages when a write with expectedSequence is retried by id", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const batch = [
        { id: rand("m"), role: "user", content: "a" },
        { id: rand("m"), role: "assistant", content: "b" },
      ]
      const first = await store.messages.appendMany(s.id, batch, { expectedSequence: 0 })
      const retried = await store.messages.appendMany(s.id, batch, { expectedSequence: 0 })
      expect(retried).toEqual(first)
      expect(await store.messages.count(s.id)).toBe(2)
    })

    it("makes a re-send with the same id idempotent and a changed one a conflict", async () => {
      const { store, clock } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const id = rand("m")
      const first = await store.messages.append(s.id, { id, role: "user", content: "x" })
      clock.advance(1000)
      const again = await store.messages.append(s.id, { id, role: "user", content: "x" })
      expect(again).toEqual(first)
      const mixed = await store.messages.appendMany(s.id, [
        { id, role: "user", content: "x" },
        { id: rand("m"), role: "user", content: "y" },
      ])
      expect(seqs(mixed)).toEqual([1, 2])
      const error = await expectError(
        store.messages.append(s.id, { id, role: "user", content: "changed" }),
        "CONFLICT",
      )
      expect(error.details.id).toBe(id)
      expect(await store.messages.count(s.id)).toBe(2)
    })

    it("lists by after/before, latest N in chronological order, limit and order", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const input = Array.from({ length: 10 }, (_, i) => ({ role: "user", content: `m${i + 1}` }))
      await store.messages.appendMany(s.id, input)
      const list = async (q: Parameters<typeof store.messages.list>[1]) =>
        seqs((await store.messages.list(s.id, q)).messages)
      expect(await list({})).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      expect(await list({ after: 7 })).toEqual([8, 9, 10])
      expect(await list({ before: 3 })).toEqual([1, 2])
      expect(await list({ after: 2, before: 5 })).toEqual([3, 4])
      expect(await list({ latest: 3 })).toEqual([8, 9, 10])
      expect(await list({ latest: 3, before: 5 })).toEqual([2, 3, 4])
      expect(await list({ order: "desc", limit: 2 })).toEqual([10, 9])
      const page = await store.messages.list(s.id, { limit: 4 })
      expect(page).toMatchObject({ hasMore: true, nextCursor: 4 })
      const next = await store.messages.list(s.id, { limit: 4, after: page.nextCursor as number })
      expect(seqs(next.messages)).toEqual([5, 6, 7, 8])
      const last = await store.messages.list(s.id, { limit: 4, after: 8 })
      expect(last.hasMore).toBe(false)
      expect(last.nextCursor).toBeUndefined()
      const down = await store.messages.list(s.id, { order: "desc", limit: 4, before: 7 })
      expect(seqs(down.messages)).toEqual([6, 5, 4, 3])
      expect(down.nextCursor).toBe(3)
      expect((await store.messages.list(s.id, { latest: 50 })).hasMore).toBe(false)
    })

    it("truncates after a sequence and pops the last, keeping sequences gap-free", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      expect(await store.messages.pop(s.id)).toBeNull()
      const input = Array.from({ length: 6 }, (_, i) => ({ role: "user", content: i }))
      const all = await store.messages.appendMany(s.id, input)
      expect(await store.messages.truncate(s.id, 3)).toEqual(all.slice(3))
      expect(await store.messages.truncate(s.id, 3)).toEqual([])
      expect(await store.messages.pop(s.id)).toEqual(all[2])
      expect(await store.messages.count(s.id)).toBe(2)
      expect((await store.sessions.get(s.id)).lastSequence).toBe(2)
      await expectError(store.messages.get(all[2]?.id as string), "NOT_FOUND")
      const next = await store.messages.append(s.id, { role: "user", content: "again" })
      expect(next.sequence).toBe(3)
      expect(seqs((await store.messages.list(s.id)).messages)).toEqual([1, 2, 3])
      expect(await store.messages.truncate(s.id, 0)).toHaveLength(3)
      expect((await store.sessions.get(s.id)).messageCount).toBe(0)
    })

    it("pop racing appends removes only the message it returns", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const first = await store.messages.append(s.id, { role: "user", content: "first" })
      const [poppedA, second, poppedB, third] = await Promise.all([
        store.messages.pop(s.id),
        store.messages.append(s.id, { role: "user", content: "second" }),
        store.messages.pop(s.id),
        store.messages.append(s.id, { role: "user", content: "third" }),
      ])
      const left = (await store.messages.list(s.id)).messages
      const popped = [poppedA, poppedB].filter((m) => m !== null)
      const ids = (messages: Message[]) => messages.map((m) => m.id).sort()
      expect(ids([...popped, ...left])).toEqual(ids([first, second, third]))
      expect(seqs(left)).toEqual(left.map((_, i) => i + 1))
    })

    it("replaces a suffix in one write, only at expectedSequence", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const input = Array.from({ length: 4 }, (_, i) => ({ role: "user", content: `m${i + 1}` }))
      const old = await store.messages.appendMany(s.id, input)
      const kept = { id: rand("m"), role: "assistant", content: "r1" }
      const made = await store.messages.replace(s.id, 2, [kept, { role: "tool", content: "r2" }], {
        expectedSequence: 4,
      })
      expect(seqs(made)).toEqual([3, 4])
      const contents = async () =>
        (await store.messages.list(s.id)).messages.map((m) => [m.sequence, m.content])
      const after = [
        [1, "m1"],
        [2, "m2"],
        [3, "r1"],
        [4, "r2"],
      ]
      expect(await contents()).toEqual(after)
      await expectError(store.messages.get(old[2]?.id as string), "NOT_FOUND")
      const stale = { expectedSequence: 3 }
      await expectError(store.messages.replace(s.id, 1, [], stale), "CONFLICT")
      const reused = [
        { role: "user", content: "x" },
        { ...kept, content: "other" },
      ]
      await expectError(
        store.messages.replace(s.id, 3, reused, { expectedSequence: 4 }),
        "CONFLICT",
      )
      await expectError(store.messages.replace(s.id, 5, [], { expectedSequence: 4 }), "VALIDATION")
      expect(await contents()).toEqual(after)
      expect(await store.messages.replace(s.id, 1, [], { expectedSequence: 4 })).toEqual([])
      expect(await store.sessions.get(s.id)).toMatchObject({ messageCount: 1, lastSequence: 1 })
      await expectError(
        store.messages.replace(rand("s"), 0, [], { expectedSequence: 0 }),
        "NOT_FOUND",
      )
    })

    it("refuses a replace once a pop and re-append restored the sequence (expectedLastId)", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const [, seen] = await store.messages.appendMany(s.id, [
        { role: "user", content: "a" },
        { role: "user", content: "b" },
      ])
      const expected = { expectedSequence: 2, expectedLastId: seen?.id as string }
      await store.messages.pop(s.id)
      await store.messages.append(s.id, { role: "user", content: "c" })
      const error = await expectError(store.messages.replace(s.id, 1, [], expected), "CONFLICT")
      expect(error.details.expectedLastId).toBe(seen?.id)
      expect((await store.messages.list(s.id)).messages.map((m) => m.content)).toEqual(["a", "c"])
      const [now] = (await store.messages.list(s.id, { latest: 1 })).messages
      const fresh = { expectedSequence: 2, expectedLastId: now?.id as string }
      expect(await store.messages.replace(s.id, 1, [], fresh)).toEqual([])
    })

    it("lets exactly one of racing replaces on one expectedSequence win", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      await store.messages.appendMany(s.id, [
        { role: "user", content: "a" },
        { role: "user", content: "b" },
      ])
      const racers = Array.from({ length: 8 }, (_, i) =>
        store.messages.replace(
          s.id,
          1,
          [
            { role: "assistant", content: `w${i}` },
            { role: "tool", content: i },
          ],
          {
            expectedSequence: 2,
          },
        ),
      )
      const results = await Promise.allSettled(racers)
      const won = results.filter((r) => r.status === "fulfilled")
      expect(won).toHaveLength(1)
      for (const r of results) if (r.status === "rejected") expect(r.reason.code).toBe("CONFLICT")
      expect((await store.messages.list(s.id)).messages).toHaveLength(3)
    })

    it("raises NotFoundError for an unknown session or message", async () => {
      const { store } = fx.get()
      const missing = rand("s")
      await expectError(store.messages.append(missing, { role: "user", content: "x" }), "NOT_FOUND")
      await expectError(store.messages.list(missing), "NOT_FOUND")
      await expectError(store.messages.count(missing), "NOT_FOUND")
      await expectError(store.messages.truncate(missing, 0), "NOT_FOUND")
      await expectError(store.messages.pop(missing), "NOT_FOUND")
      await expectError(store.messages.get(rand("m")), "NOT_FOUND")
    })
  })
}
