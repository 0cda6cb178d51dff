import { describe, expect, it } from "vitest"
import { at, type ConformanceTarget, expectError, footprint, T0, useFixture } from "./harness.js"

/** An object nested `depth` levels deep: { a: { a: … } }. */
function nest(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {}
  for (let i = 0; i < depth; i++) value = { a: value }
  return value
}

/** Bad input: ValidationError naming the field, and nothing written. */
export function validationTests(target: ConformanceTarget): void {
  describe("validation", () => {
    const fx = useFixture(target)

    it("rejects empty and malformed ids, naming the field", async () => {
      const { store } = fx.get()
      for (const id of ["", " ", "../etc", "a/b", "x".repeat(201), "-a", 5 as unknown as string]) {
        await expectError(store.sessions.get(id), "VALIDATION", "id")
        await expectError(store.sessions.create({ id, agent: "a" }), "VALIDATION", "id")
        await expectError(store.messages.list(id), "VALIDATION", "sessionId")
        await expectError(store.events.get(id), "VALIDATION", "id")
        await expectError(store.events.append({ kind: "k", id }), "VALIDATION", "events[0].id")
        await expectError(store.tools.get(id), "VALIDATION", "id")
      }
      expect(await footprint(store)).toEqual({ sessions: 0, messages: 0, events: 0, tools: 0 })
    })

    it("rejects wrong types and bad labels, naming the field", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const before = await footprint(store)
      const cases: [Promise<unknown>, string][] = [
        [store.sessions.create({ agent: 5 as unknown as string }), "agent"],
        [store.sessions.create({ agent: "" }), "agent"],
        [store.sessions.create({ agent: "a\u0000b" }), "agent"],
        [store.sessions.create({ agent: "a\ud800" }), "agent"],
        [store.sessions.create({ agent: "a", title: 7 as unknown as string }), "title"],
        [store.sessions.create({ agent: "a", metadata: [] as never }), "metadata"],
        [store.sessions.create({ agent: "a", bogus: 1 } as never), "input.bogus"],
        [
          store.sessions.update(s.id, { metadata: {}, replaceMetadata: 1 as never }),
          "replaceMetadata",
        ],
        [store.sessions.list({ total: "yes" as never }), "total"],
        [store.messages.append(s.id, { role: "", content: "x" }), "messages[0].role"],
        [store.messages.append(s.id, { role: "user" } as never), "messages[0].content"],
        [store.messages.appendMany(s.id, []), "messages"],
        [
          store.messages.append(s.id, { role: "u", content: 1 }, { expectedSequence: -1 }),
          "expectedSequence",
        ],
        [store.events.append({ kind: 3 as unknown as string }), "events[0].kind"],
        [store.events.append({ kind: "k", time: "soon" }), "events[0].time"],
        [store.events.append({ kind: "k", text: 5 as unknown as string }), "events[0].text"],
        [store.events.appendMany([]), "events"],
        [store.events.query({ kinds: [] }), "kinds"],
        [store.events.query({ after: "-1" }), "after"],
        [store.events.query({ before: "abc" }), "before"],
        [store.tools.start({ tool: "" }), "tool"],
        [store.tools.start({ tool: "t", resourceRefs: {} as never }), "resourceRefs"],
        [store.tools.start({ tool: "t", changeIds: ["ok", ""] }), "changeIds[1]"],
        [store.messages.truncate(s.id, -1), "afterSequence"],
        [store.messages.list(s.id, { limit: 1001 }), "limit"],
        [store.messages.list(s.id, { latest: 0 }), "latest"],
        [store.messages.list(s.id, { latest: 2, order: "asc" }), "latest"],
        [store.messages.list(s.id, { after: -1 }), "after"],
        [store.events.tail(1001), "n"],
        [store.sessions.addUsage(s.id, { input: "1" as unknown as number }), "usage.input"],
        [store.sessions.addUsage(s.id, { tokens: 1 } as never), "usage.tokens"],
      ]
      for (const [call, field] of cases) await expectError(call, "VALIDATION", field)
      expect(await footprint(store)).toEqual(before)
    })

    it("reads ISO times with their zone and refuses zone-less date-times", async () => {
      const { store } = fx.get()
      const same = ["2025-01-01", "2025-01-01T01:00:00+01:00", "2024-12-31 19:00-05:00", T0]
      for (const time of [...same, new Date(T0), "2025-01-01T00:00:00.000Z"]) {
        expect((await store.events.append({ kind: "k", time })).time).toBe(at(0))
      }
      for (const time of ["2025-01-01T00:00:00", "2025-01-01T00:00", "01/01/2025", "2025-01-01Z"]) {
        await expectError(store.events.append({ kind: "k", time }), "VALIDATION", "events[0].time")
        await expectError(
          store.tools.start({ tool: "t", startedAt: time }),
          "VALIDATION",
          "startedAt",
        )
        await expectError(store.sessions.list({ createdSince: time }), "VALIDATION", "createdSince")
        await expectError(store.events.query({ until: time }), "VALIDATION", "until")
      }
      await expectError(store.events.count({ since: 1.5 }), "VALIDATION", "since")
      await expectError(store.events.count({ since: -1 }), "VALIDATION", "since")
      expect(await store.events.count()).toBe(6)
    })

    it("rejects metadata and payloads that are not JSON, writing nothing", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const before = await footprint(store)
      const cycle: Record<string, unknown> = {}
      cycle.self = cycle
      const bad: [unknown, string][] = [
        [{ n: 10n }, "metadata.n"],
        [{ c: cycle }, "metadata.c.self"],
        [{ f: () => 1 }, "metadata.f"],
        [{ n: Number.NaN }, "metadata.n"],
        [{ n: [Number.POSITIVE_INFINITY] }, "metadata.n[0]"],
        [{ d: new Date(0) }, "metadata.d"],
        [{ s: Symbol("x") }, "metadata.s"],
        [{ u: undefined, deep: nest(200) }, `metadata.deep${".a".repeat(127)}`],
      ]
      for (const [metadata, field] of bad) {
        const m = metadata as Record<string, never>
        await expectError(store.sessions.create({ agent: "a", metadata: m }), "VALIDATION", field)
        await expectError(store.sessions.update(s.id, { metadata: m }), "VALIDATION", field)
        await expectError(
          store.messages.append(s.id, { role: "user", content: "x", metadata: m }),
          "VALIDATION",
          `messages[0].${field}`,
        )
        await expectError(store.events.append({ kind: "k", data: m }), "VALIDATION")
        await expectError(store.tools.start({ tool: "t", providerMetadata: m }), "VALIDATION")
      }
      expect(await footprint(store)).toEqual(before)
      expect(await store.sessions.get(s.id)).toEqual(s)
    })
  })
}
