import { describe, expect, it } from "vitest"
import type { DrilldownSelector } from "../../src/artifacts/drilldown.js"
import { blobStores } from "../support/blob-stores.js"

const stores = blobStores("drill")

/** Runs one drilldown on every blob store and checks they agree; returns the result. */
async function drill(data: string | Uint8Array, mediaType: string, selector: DrilldownSelector) {
  const results = []
  for (const [, store] of stores) {
    const ref = await store.artifacts.put(data, { mediaType })
    results.push(await store.artifacts.drilldown(ref.handle, selector))
  }
  expect(results[1]).toEqual(results[0])
  return results[0] as Record<string, unknown>
}

async function drillError(data: string, mediaType: string, selector: unknown) {
  for (const [, store] of stores) {
    const ref = await store.artifacts.put(data, { mediaType })
    const error = await store.artifacts.drilldown(ref.handle, selector as DrilldownSelector).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: "VALIDATION" })
  }
}

const text = "zero\none\r\ntwo\nthree\nfour\n"

describe("drilldown", () => {
  it("head counts Unicode code points, not UTF-16 units or bytes", async () => {
    const emoji = "😀é漢x"
    expect(await drill(emoji, "text/plain", { kind: "head", chars: 2 })).toEqual({
      kind: "head",
      text: "😀é",
      truncated: true,
    })
    expect(await drill(emoji, "text/plain", { kind: "head", chars: 9 })).toMatchObject({
      text: emoji,
      truncated: false,
    })
  })

  it("lines takes [start, end) with negatives counted from the end", async () => {
    const cases: [number | undefined, number | undefined, string[]][] = [
      [0, 2, ["zero", "one"]],
      [3, undefined, ["three", "four"]],
      [-2, undefined, ["three", "four"]],
      [-3, -1, ["two", "three"]],
      [1, -2, ["one", "two"]],
      [-4, 3, ["one", "two"]],
      [-100, 1, ["zero"]],
      [4, 2, []],
      [9, 12, []],
    ]
    for (const [start, end, lines] of cases) {
      const selector = {
        kind: "lines" as const,
        ...(start === undefined ? {} : { start }),
        ...(end === undefined ? {} : { end }),
      }
      expect(await drill(text, "text/plain", selector)).toEqual({
        kind: "lines",
        lines,
        truncated: false,
      })
      expect(text.replace(/\r/g, "").split("\n").slice(0, -1).slice(start, end)).toEqual(lines)
    }
    expect(await drill("", "text/plain", { kind: "lines", start: -3 })).toMatchObject({ lines: [] })
    expect(await drill("a\n\nb", "text/plain", { kind: "lines" })).toMatchObject({
      lines: ["a", "", "b"],
    })
  })

  it("lines near the end of a multi-chunk artifact read backwards and agree with a forward read", async () => {
    const many = Array.from({ length: 120_000 }, (_, i) => `line ${i} ${"x".repeat(i % 17)}`).join(
      "\n",
    )
    const tail = await drill(many, "text/plain", { kind: "lines", start: -3, end: -1 })
    expect(tail.lines).toEqual([
      `line 119997 ${"x".repeat(119997 % 17)}`,
      `line 119998 ${"x".repeat(119998 % 17)}`,
    ])
    const forward = await drill(many, "text/plain", { kind: "lines", start: 119_997, end: 119_999 })
    expect(forward.lines).toEqual(tail.lines)
  })

  it("lines agrees with a reference split for many windows over a multi-chunk blob", async () => {
    const parts: string[] = []
    let length = 0
    for (let i = 0; length < 3 * 1024 * 1024; i++) {
      const line = `${i}:${"é😀".repeat(i % 5)}${"y".repeat((i * 7919) % 3000)}${i % 11 ? "\n" : "\r\n"}`
      parts.push(line, i % 13 === 0 ? "\n" : "")
      length += line.length + (i % 13 === 0 ? 1 : 0)
    }
    const text = parts.join("")
    const reference = text
      .split("\n")
      .slice(0, -1)
      .map((line) => line.replace(/\r$/, ""))
    const n = reference.length
    const windows: [number | undefined, number | undefined][] = [
      [n - 5, undefined],
      [n - 5, n + 5],
      [-1, undefined],
      [-7, -2],
      [-n, 3],
      [-n - 5, -n + 2],
      [10, -10],
      [n - 3, -1],
      [0, 4],
      [-300, undefined],
      [1000, 1003],
      [-2, n],
      [5, -n + 7],
    ]
    const handles = await Promise.all(stores.map(([, store]) => store.artifacts.put(text)))
    for (const [start, end] of windows) {
      const selector = {
        kind: "lines" as const,
        ...(start === undefined ? {} : { start }),
        ...(end === undefined ? {} : { end }),
      }
      const expected = reference.slice(start, end)
      for (const [i, [, store]] of stores.entries()) {
        const result = await store.artifacts.drilldown(
          (handles[i] as { handle: string }).handle,
          selector,
        )
        expect([start, end, result]).toEqual([
          start,
          end,
          { kind: "lines", lines: expected, truncated: false },
        ])
      }
    }
  })

  it("json_keys picks top-level keys, skips missing ones, and refuses a non-object", async () => {
    const doc = JSON.stringify({ a: 1, b: { c: [1, 2] }, "k\u0000": "nul" })
    expect(
      await drill(doc, "application/json", { kind: "json_keys", keys: ["b", "zz", "k\u0000"] }),
    ).toEqual({
      kind: "json_keys",
      values: { b: { c: [1, 2] }, "k\u0000": "nul" },
    })
    await drillError("[1,2]", "application/json", { kind: "json_keys", keys: ["a"] })
    await drillError("not json", "application/json", { kind: "json_keys", keys: ["a"] })
    await drillError('"s"', "application/json", { kind: "json_keys", keys: ["a"] })
  })

  it("rows reads NDJSON, CSV with quoted newlines, and JSON arrays", async () => {
    const ndjson = '{"i":0}\n\n{"i":1}\n{"i":2}\n'
    expect(await drill(ndjson, "application/x-ndjson", { kind: "rows", start: 1 })).toEqual({
      kind: "rows",
      format: "ndjson",
      rows: [{ i: 1 }, { i: 2 }],
      truncated: false,
    })
    const csv = 'name,note\r\nann,"two\nlines, and ""quotes"""\nbob,plain\n'
    expect(await drill(csv, "text/csv", { kind: "rows", start: 1, end: 2 })).toMatchObject({
      rows: [["ann", 'two\nlines, and "quotes"']],
    })
    expect(await drill(csv, "text/csv", { kind: "rows", header: true, start: -1 })).toMatchObject({
      rows: [{ name: "bob", note: "plain" }],
    })
    const array = JSON.stringify([{ a: "],[" }, [1, [2]], 'x\\"', null, 5])
    expect(
      await drill(array, "application/json", { kind: "rows", start: 0, end: 3 }),
    ).toMatchObject({
      format: "json",
      rows: [{ a: "],[" }, [1, [2]], 'x\\"'],
    })
    expect(
      await drill(array, "text/plain", { kind: "rows", format: "json", start: -2 }),
    ).toMatchObject({
      rows: [null, 5],
    })
    await drillError('{"a":1}', "application/json", { kind: "rows" })
    await drillError("a,b", "text/plain", { kind: "rows" })
    await drillError("{bad\n", "application/x-ndjson", { kind: "rows" })
  })

  it("grep returns matches with context and stops at max", async () => {
    const log = ["ok 1", "ERROR a", "ok 2", "ok 3", "error b", "ok 4"].join("\n")
    expect(
      await drill(log, "text/plain", {
        kind: "grep",
        pattern: "error",
        ignoreCase: true,
        context: 1,
      }),
    ).toEqual({
      kind: "grep",
      matches: [
        { line: 1, text: "ERROR a", before: ["ok 1"], after: ["ok 2"] },
        { line: 4, text: "error b", before: ["ok 3"], after: ["ok 4"] },
      ],
      truncated: false,
    })
    expect(await drill(log, "text/plain", { kind: "grep", pattern: "^ok", max: 2 })).toMatchObject({
      matches: [{ line: 0 }, { line: 2 }],
      truncated: true,
    })
  })

  it("grep refuses runaway patterns and caps huge lines", async () => {
    for (const pattern of [
      "(a+)+$",
      "(a|aa)*b",
      "(x*)*",
      "((a)+)+",
      "(\\w+\\s?)*$",
      "(a)\\1",
      "",
      "a".repeat(300),
    ]) {
      await drillError("aaaa", "text/plain", { kind: "grep", pattern })
    }
    await drillError("aaaa", "text/plain", { kind: "grep", pattern: "(" })
    const huge = `${"a".repeat(1 << 20)}b\nsmall b`
    const result = await drill(huge, "text/plain", { kind: "grep", pattern: "b" })
    expect(result.matches).toEqual([{ line: 1, text: "small b", before: [], after: [] }])
  })

  it("bytes returns a byte range, clamped to the size", async () => {
    expect(
      await drill("hello world", "text/plain", { kind: "bytes", offset: 6, length: 100 }),
    ).toEqual({
      kind: "bytes",
      offset: 6,
      bytes: new Uint8Array(Buffer.from("world")),
    })
  })

  it("rejects unknown selectors and bad parameters with ValidationError", async () => {
    for (const selector of [
      { kind: "tail" },
      { kind: "head" },
      { kind: "head", chars: -1 },
      { kind: "lines", start: 1.5 },
      { kind: "lines", extra: 1 },
      { kind: "json_keys", keys: [] },
      { kind: "bytes", offset: 0, length: 1e12 },
      null,
      "head",
    ]) {
      await drillError("x", "text/plain", selector)
    }
  })
})
