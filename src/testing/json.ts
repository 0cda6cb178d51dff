import { describe, expect, it } from "vitest"
import { createStore } from "../core/store.js"
import type { Json, JsonObject } from "../core/types.js"
import { type ConformanceTarget, useFixture } from "./harness.js"

/** A little over 1 MiB of UTF-16 code units, with accents, CJK and emoji. */
const MIB = "ab\u00e9\u4e2d\ud83d\ude00".repeat(Math.ceil((1024 * 1024) / 6))

/** Payloads that must come back exactly as they went in. */
export const TRICKY: Record<string, Json> = {
  nested: { a: [1, { b: [true, false, null, { c: "deep" }] }], "": "", "k\u0000": 0 },
  unicode:
    "h\u00e9llo \u4e16\u754c \u0645\u0631\u062d\u0628\u0627 \u{1f600}\u{1f468}\u200d\u{1f469}\u200d\u{1f467} \u{10ffff}",
  loneSurrogates: ["\ud800", "x\udc00y", "\udfff\ud800", { "\ud83d": "\ude00" }],
  nul: "before\u0000after\u0000",
  controls: "\b\f\n\r\t\u0001\u001f\u007f\u2028\u2029",
  numbers: [0, -1, 1.5, 1e21, -1e-7, 5e-324, 1.7976931348623157e308, 2 ** 53 - 1, -(2 ** 53) + 1],
  escapes: '"quoted" \\back\\slash/ </script>',
  emptyThings: [[], {}, "", 0, false, null],
  order: { z: 1, a: 2, m: { y: 1, b: 2 }, "10": 3, "2": 4 },
}

/** Equal values and the same JSON text (so key order survives too). */
function same(actual: unknown, expected: unknown): void {
  expect(actual).toStrictEqual(expected)
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected))
}

/** JSON payloads round-trip exactly through every column that holds one. */
export function jsonTests(target: ConformanceTarget): void {
  describe("json round trip", () => {
    const fx = useFixture(target)

    it.each(Object.entries(TRICKY))("keeps %s exact in every JSON column", async (_, value) => {
      const { store } = fx.get()
      const metadata: JsonObject = { value }
      const s = await store.sessions.create({ agent: "a", metadata })
      same((await store.sessions.get(s.id)).metadata, metadata)
      const m = await store.messages.append(s.id, { role: "user", content: value, metadata })
      same((await store.messages.get(m.id)).content, value)
      same((await store.messages.get(m.id)).metadata, metadata)
      const text = typeof value === "string" ? value : JSON.stringify(value)
      const e = await store.events.append({ kind: "k", data: value, text })
      same((await store.events.get(e.id)).data, value)
      same((await store.events.get(e.id)).text, text)
      const t = await store.tools.record({
        tool: "t",
        arguments: value,
        resourceRefs: [value],
        providerMetadata: metadata,
        status: "failed",
        result: value,
        error: value,
      })
      const stored = await store.tools.get(t.id)
      same([stored.arguments, stored.result, stored.error], [value, value, value])
      same([stored.resourceRefs, stored.providerMetadata], [[value], metadata])
      same((await store.sessions.update(s.id, { metadata: { more: value } })).metadata, {
        ...metadata,
        more: value,
      })
    })

    it("keeps 1 MiB strings exact in messages, events and tools", async () => {
      const { backend, store: fixture } = fx.get()
      // About 1.9 MiB of UTF-8: over the default metadata limit (256 KiB), so raise it.
      const limits = { metadataBytes: 4 * 2 ** 20 }
      const store = createStore(backend, { namespace: fixture.namespace, limits })
      expect(MIB.length).toBeGreaterThanOrEqual(1024 * 1024)
      const s = await store.sessions.create({ agent: "a", metadata: { big: MIB } })
      expect((await store.sessions.get(s.id)).metadata.big).toBe(MIB)
      const m = await store.messages.append(s.id, { role: "user", content: MIB })
      expect((await store.messages.get(m.id)).content).toBe(MIB)
      const page = await store.messages.list(s.id, { latest: 1 })
      expect(page.messages[0]?.content).toBe(MIB)
      const e = await store.events.append({ kind: "k", data: { big: MIB }, text: MIB })
      const event = await store.events.get(e.id)
      expect(event.text).toBe(MIB)
      expect((event.data as JsonObject).big).toBe(MIB)
      const t = await store.tools.start({ tool: "t", arguments: MIB })
      expect((await store.tools.get(t.id)).arguments).toBe(MIB)
    })
  })
}
