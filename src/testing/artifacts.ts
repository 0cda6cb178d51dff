import { createHash } from "node:crypto"
import { describe, expect, it } from "vitest"
import { at, type ConformanceTarget, expectError, rand, useFixture } from "./harness.js"

const sha = (text: string) => createHash("sha256").update(text).digest("hex")
const HOSTILE_HANDLES = [
  "",
  ".",
  "..",
  "../x",
  "/abs",
  "a\\b",
  "%2e%2e",
  "a\u0000",
  "a\u001f",
  "x".repeat(257),
]

/** Artifacts: refs, content, listing, handles, drilldown and garbage collection. */
export function artifactsTests(target: ConformanceTarget): void {
  describe("artifacts", () => {
    const fx = useFixture(target)

    it("puts content by SHA-256 and reads it back by handle", async () => {
      const { store } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const ref = await store.artifacts.put("a\nb\n", {
        handle: "out.txt",
        label: "output",
        metadata: { k: [1] },
        sessionId: s.id,
        toolInvocationId: "t-1",
      })
      expect(ref).toEqual({
        handle: "out.txt",
        namespace: store.namespace,
        sha256: sha("a\nb\n"),
        size: 4,
        mediaType: "text/plain; charset=utf-8",
        label: "output",
        metadata: { k: [1] },
        sessionId: s.id,
        toolInvocationId: "t-1",
        createdAt: at(0),
      })
      expect(await store.artifacts.head("out.txt")).toEqual(ref)
      expect(await store.artifacts.text("out.txt")).toBe("a\nb\n")
      expect(await store.blobs.has(ref.sha256)).toBe(true)
      await expectError(store.artifacts.put("other", { handle: "out.txt" }), "CONFLICT")
      expect(
        await store.artifacts.put("a\nb\n", {
          handle: "out.txt",
          label: "output",
          metadata: { k: [1] },
          sessionId: s.id,
          toolInvocationId: "t-1",
        }),
      ).toEqual(ref)
    })

    it("rejects hostile handles on every call and keeps namespaces apart", async () => {
      const { store } = fx.get()
      for (const handle of HOSTILE_HANDLES) {
        await expectError(store.artifacts.put("x", { handle }), "VALIDATION", "handle")
        await expectError(store.artifacts.head(handle), "VALIDATION", "handle")
        await expectError(store.artifacts.delete(handle), "VALIDATION", "handle")
        await expectError(
          store.artifacts.drilldown(handle, { kind: "head", chars: 1 }),
          "VALIDATION",
          "handle",
        )
      }
      await store.artifacts.put("mine", { handle: "h" })
      const other = store.withNamespace(rand("ns"))
      await expectError(other.artifacts.head("h"), "NOT_FOUND")
      expect((await other.artifacts.list()).items).toEqual([])
    })

    it("lists by media type, label and session, newest first, with page cursors", async () => {
      const { store, clock } = fx.get()
      for (let i = 0; i < 4; i++) {
        clock.advance(10)
        await store.artifacts.put(`r${i}`, {
          handle: `r${i}`,
          mediaType: i % 2 ? "text/csv" : "text/plain",
          label: `l${i % 2}`,
        })
      }
      const first = await store.artifacts.list({ limit: 3 })
      expect(first.items.map((r) => r.handle)).toEqual(["r3", "r2", "r1"])
      expect(first.hasMore).toBe(true)
      const next = await store.artifacts.list({ limit: 3, cursor: first.nextCursor as string })
      expect(next).toMatchObject({ items: [{ handle: "r0" }], hasMore: false })
      expect(
        (await store.artifacts.list({ mediaType: "text/csv", order: "asc" })).items.map(
          (r) => r.handle,
        ),
      ).toEqual(["r1", "r3"])
      expect((await store.artifacts.list({ label: "l0" })).items.map((r) => r.handle)).toEqual([
        "r2",
        "r0",
      ])
    })

    it("drills down identically on every backend", async () => {
      const { store } = fx.get()
      await store.artifacts.put("l0\nl1 😀\r\nl2\nl3", { handle: "t" })
      expect(await store.artifacts.drilldown("t", { kind: "head", chars: 7 })).toEqual({
        kind: "head",
        text: "l0\nl1 😀",
        truncated: true,
      })
      expect(await store.artifacts.drilldown("t", { kind: "lines", start: -3, end: -1 })).toEqual({
        kind: "lines",
        lines: ["l1 😀", "l2"],
        truncated: false,
      })
      expect(
        await store.artifacts.drilldown("t", { kind: "grep", pattern: "l[13]", context: 1 }),
      ).toEqual({
        kind: "grep",
        matches: [
          { line: 1, text: "l1 😀", before: ["l0"], after: ["l2"] },
          { line: 3, text: "l3", before: ["l2"], after: [] },
        ],
        truncated: false,
      })
      expect(await store.artifacts.drilldown("t", { kind: "bytes", offset: 1, length: 2 })).toEqual(
        { kind: "bytes", offset: 1, bytes: new Uint8Array([0x30, 0x0a]) },
      )
      await store.artifacts.put('{"a":1,"b":[2]}', { handle: "j", mediaType: "application/json" })
      expect(await store.artifacts.drilldown("j", { kind: "json_keys", keys: ["b", "c"] })).toEqual(
        { kind: "json_keys", values: { b: [2] } },
      )
      await store.artifacts.put('x,y\n"1\n2",3\n', { handle: "c", mediaType: "text/csv" })
      expect(await store.artifacts.drilldown("c", { kind: "rows", header: true })).toEqual({
        kind: "rows",
        format: "csv",
        rows: [{ x: "1\n2", y: "3" }],
        truncated: false,
      })
      await store.artifacts.put("[1,2]", { handle: "arr", mediaType: "application/json" })
      await expectError(
        store.artifacts.drilldown("arr", { kind: "json_keys", keys: ["a"] }),
        "VALIDATION",
      )
      await expectError(store.artifacts.drilldown("arr", { kind: "nope" } as never), "VALIDATION")
    })

    it("streams multi-chunk content and byte ranges; concurrent puts of the same bytes store one blob", async () => {
      const { store } = fx.get()
      const big = Buffer.alloc((5 << 20) / 2 + 7)
      for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) % 256
      async function* pieces() {
        for (let at = 0; at < big.length; at += 100_000) yield big.subarray(at, at + 100_000)
      }
      const refs = await Promise.all(
        [1, 2, 3, 4].map((i) =>
          store.artifacts.put(i === 1 ? pieces() : big, { handle: `big${i}` }),
        ),
      )
      expect(new Set(refs.map((r) => r.sha256)).size).toBe(1)
      expect(Buffer.compare(Buffer.from(await store.artifacts.get("big3")), big)).toBe(0)
      const start = (1 << 20) - 5
      const parts: Uint8Array[] = []
      for await (const part of store.artifacts.stream("big1", {
        start,
        end: start + (1 << 20) + 10,
      }))
        parts.push(part)
      expect(
        Buffer.compare(Buffer.concat(parts), big.subarray(start, start + (1 << 20) + 10)),
      ).toBe(0)
      const tail = await store.artifacts.drilldown("big2", {
        kind: "bytes",
        offset: big.length - 3,
        length: 10,
      })
      expect(tail).toEqual({
        kind: "bytes",
        offset: big.length - 3,
        bytes: new Uint8Array(big.subarray(big.length - 3)),
      })
    })

    it("gc collects blobs only after their last ref is gone", async () => {
      const { store } = fx.get()
      const content = rand("content")
      const a = await store.artifacts.put(content, { handle: "a" })
      await store.artifacts.put(content, { handle: "b" })
      await store.artifacts.delete("a")
      await store.artifacts.gc({ graceMs: 0 })
      expect(await store.artifacts.text("b")).toBe(content)
      await store.artifacts.delete("b")
      expect((await store.artifacts.gc()).deleted).toBe(0)
      expect(await store.blobs.has(a.sha256)).toBe(true)
      await store.artifacts.gc({ graceMs: 0 })
      expect(await store.blobs.has(a.sha256)).toBe(false)
      await expectError(store.artifacts.get("b"), "NOT_FOUND")
    })
  })
}
