import { describe, expect, it } from "vitest"
import { manualClock } from "../core/clock.js"
import { DEFAULT_STORE_LIMITS, type StoreLimits } from "../core/limits.js"
import { createStore, type Store } from "../core/store.js"
import { type ConformanceTarget, expectError, footprint, rand, T0, useFixture } from "./harness.js"

const SMALL: StoreLimits = { messageBytes: 1000, eventBytes: 2000, metadataBytes: 300 }

/** A string of `bytes` UTF-8 bytes made of two-byte characters (`é`). */
const wide = (bytes: number) => "é".repeat(bytes / 2)

/** Size limits: refused with ValidationError naming the field, nothing written; configurable. */
export function limitsTests(target: ConformanceTarget): void {
  describe("size limits", () => {
    const fx = useFixture(target)
    /** A store on the shared backend with `limits`, in a fresh namespace (never closed here). */
    const limited = (limits?: StoreLimits): Store =>
      createStore(fx.get().backend, {
        namespace: rand("ns"),
        clock: manualClock(T0),
        ...(limits === undefined ? {} : { limits }),
      })

    it("refuses a message over the default 4 MiB, and keeps one just under it", async () => {
      const store = limited()
      const s = await store.sessions.create({ agent: "a" })
      const max = DEFAULT_STORE_LIMITS.messageBytes
      const over = "x".repeat(max - 1) // with its quotes: max + 1 bytes
      const error = await expectError(
        store.messages.append(s.id, { role: "user", content: over }),
        "VALIDATION",
        "messages[0].content",
      )
      expect(error.details).toMatchObject({ bytes: max + 1, limit: max })
      await expectError(
        store.messages.append(s.id, { role: "user", content: "x".repeat(50 * 2 ** 20) }),
        "VALIDATION",
        "messages[0].content",
      )
      expect(await store.messages.count(s.id)).toBe(0)
      const fits = await store.messages.append(s.id, { role: "user", content: "x".repeat(max - 2) })
      expect((await store.messages.get(fits.id)).content).toHaveLength(max - 2)
    })

    it("counts UTF-8 bytes as stored, not characters", async () => {
      const store = limited(SMALL)
      const s = await store.sessions.create({ agent: "a" })
      await store.messages.append(s.id, { role: "user", content: wide(998) })
      await expectError(
        store.messages.append(s.id, { role: "user", content: wide(1000) }),
        "VALIDATION",
        "messages[0].content",
      )
      await expectError(
        store.messages.append(s.id, { role: "user", content: "\u0000".repeat(200) }),
        "VALIDATION",
        "messages[0].content",
      )
      expect(await store.messages.count(s.id)).toBe(1)
    })

    it("refuses oversize events, metadata and tool payloads, naming the field, writing nothing", async () => {
      const store = limited(SMALL)
      const s = await store.sessions.create({ agent: "a", metadata: { k: wide(280) } })
      const before = await footprint(store)
      const big = { k: wide(400) }
      const cases: [() => Promise<unknown>, string][] = [
        [() => store.sessions.create({ agent: "a", metadata: big }), "metadata"],
        [() => store.sessions.update(s.id, { metadata: big }), "metadata"],
        [() => store.sessions.update(s.id, { metadata: { j: wide(100) } }), "metadata"],
        [
          () =>
            store.messages.appendMany(s.id, [
              { role: "user", content: "ok" },
              { role: "user", content: "ok", metadata: big },
            ]),
          "messages[1].metadata",
        ],
        [
          () => store.events.appendMany([{ kind: "k" }, { kind: "k", data: wide(2000) }]),
          "events[1].data",
        ],
        [() => store.events.append({ kind: "k", text: wide(2000) }), "events[0].text"],
        [() => store.tools.start({ tool: "t", arguments: wide(2000) }), "arguments"],
        [() => store.tools.start({ tool: "t", providerMetadata: big }), "providerMetadata"],
        [
          () => store.tools.record({ tool: "t", status: "succeeded", result: wide(2000) }),
          "result",
        ],
      ]
      for (const [call, field] of cases) await expectError(call(), "VALIDATION", field)
      const t = await store.tools.start({ tool: "t" })
      await expectError(
        store.tools.finish(t.id, { status: "failed", error: wide(2000) }),
        "VALIDATION",
        "error",
      )
      expect(await footprint(store)).toEqual({ ...before, tools: 1 })
      expect((await store.sessions.get(s.id)).metadata).toEqual({ k: wide(280) })
      expect((await store.tools.get(t.id)).status).toBe("running")
    })

    it("refuses limits that are not byte counts", () => {
      const { backend } = fx.get()
      for (const [limits, field] of [
        [{ messageBytes: 0 }, "limits.messageBytes"],
        [{ eventBytes: 1.5 }, "limits.eventBytes"],
        [{ metadataBytes: 2 ** 40 }, "limits.metadataBytes"],
        [{ rowBytes: 1 }, "limits.rowBytes"],
      ] as const) {
        expect(() => createStore(backend, { limits: limits as StoreLimits })).toThrowError(field)
      }
    })
  })
}
