import { monitorEventLoopDelay } from "node:perf_hooks"
import { describe, expect, it } from "vitest"
import { GREP_LIMITS } from "../../src/artifacts/grep-worker.js"
import { grepLines } from "../../src/artifacts/select-grep.js"
import type { Store } from "../../src/index.js"
import { blobStores } from "../support/blob-stores.js"

const stores = blobStores("grep-redos")

/** Documented bound: a grep whose matching stalls for 2 s on one piece of content fails typed. */
const SETTLE_MS = GREP_LIMITS.stallMs + 4_000
/**
 * Event-loop delay: the 99th percentile stays under 200 ms and no single stall reaches 1 s. A
 * match on the main thread blocks for the whole stall limit (2 s) or, before the worker, for
 * 15 s and more; a loaded 2-core machine alone can starve one timer tick for a few hundred ms.
 */
const MAX_LAG_P99_MS = 200
const MAX_STALL_MS = 1_000

/** Runs a grep while sampling event-loop delay; returns what it settled with and the numbers. */
async function timedGrep(store: Store, handle: string, pattern: string) {
  const lag = monitorEventLoopDelay({ resolution: 10 })
  let beats = 0
  let worstGap = 0
  let last = performance.now()
  const heartbeat = setInterval(() => {
    const now = performance.now()
    worstGap = Math.max(worstGap, now - last)
    last = now
    beats++
  }, 20)
  lag.enable()
  const started = performance.now()
  const outcome = await store.artifacts.drilldown(handle, { kind: "grep", pattern }).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
  const elapsed = performance.now() - started
  lag.disable()
  clearInterval(heartbeat)
  return {
    outcome,
    elapsed,
    lagP99Ms: lag.percentile(99) / 1e6,
    lagMaxMs: lag.max / 1e6,
    worstGap,
    beats,
  }
}

// Each of these backtracks for more than 15 s per attempt on a plain `RegExp#test` on this
// machine (`a*a*b` on 3,000 characters ≈ 15 s; the others do not finish in 60 s on 600).
const hostile: [string, number][] = [
  ["a*a*b", 3_000],
  ["a*a*b", 30_000],
  ["\\w+\\w+\\w+\\w+x", 30_000],
  ["(?=a*a*a*b)", 30_000],
  ["(?!a*a*a*b)a", 30_000],
]

describe("grep patterns built to backtrack (S11)", () => {
  it.each(hostile)(
    "%s on a %i-character line fails typed within the bound, the event loop never blocked",
    async (pattern, length) => {
      for (const [name, store] of stores) {
        const ref = await store.artifacts.put(`first\n${"a".repeat(length)}\nlast\n`)
        const run = await timedGrep(store, ref.handle, pattern)
        expect([name, run.outcome]).toMatchObject([
          name,
          { error: { code: "UNAVAILABLE", details: { reason: "grep_timeout" } } },
        ])
        expect(run.elapsed, name).toBeLessThan(SETTLE_MS)
        expect(run.lagP99Ms, name).toBeLessThan(MAX_LAG_P99_MS)
        expect(run.lagMaxMs, name).toBeLessThan(MAX_STALL_MS)
        expect(run.worstGap, name).toBeLessThan(MAX_STALL_MS)
        expect(run.beats, name).toBeGreaterThan(0)
      }
    },
  )

  it("lookarounds on ordinary lines still match, identically on every blob store", async () => {
    const log = Array.from({ length: 50_000 }, (_, i) => `worker-${i % 17} item ${i} ok`).join("\n")
    const results = []
    for (const [, store] of stores) {
      const ref = await store.artifacts.put(log)
      const run = await timedGrep(store, ref.handle, "(?<=worker-)1[0-6] item 4999\\d(?= ok)")
      results.push(run.outcome)
    }
    expect(results[0]).toEqual(results[1])
    expect(results[0]).toMatchObject({
      value: {
        kind: "grep",
        truncated: false,
        matches: [49_990, 49_991, 49_992, 49_993, 49_994, 49_995, 49_996].map((line) => ({ line })),
      },
    })
  })
  it("a grep that keeps finding content past its total limit fails typed", async () => {
    const endless = {
      size: Number.MAX_SAFE_INTEGER,
      mediaType: "text/plain",
      async *stream() {
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 20))
          yield Buffer.from("no match here\n".repeat(1000))
        }
      },
    }
    const started = performance.now()
    const limits = { stallMs: 10_000, totalMs: 300 }
    const error = await grepLines(endless, { source: "x{3}", flags: "u" }, 0, 10, limits).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toMatchObject({
      code: "UNAVAILABLE",
      details: { reason: "grep_timeout", scope: "total" },
    })
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
