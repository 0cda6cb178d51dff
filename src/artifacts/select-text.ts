import { ValidationError } from "../core/errors.js"
import type { Json } from "../core/types.js"
import {
  type DrilldownSource,
  decodeStream,
  decodeUtf8,
  LineSplitter,
  type RawLine,
  readRange,
  skipLines,
  splitLines,
  tailBytes,
} from "./text-stream.js"
import { sliceItems, type Window } from "./window.js"

/** Largest document `json_keys` parses. */
const MAX_JSON_BYTES = 64 << 20
const TAIL_BUDGET = 64 << 20

/** The first `chars` code points. */
export async function selectHead(source: DrilldownSource, chars: number) {
  let text = ""
  let count = 0
  for await (const piece of decodeStream(source.stream())) {
    for (const ch of piece) {
      if (count === chars) return { text, truncated: true }
      text += ch
      count++
    }
  }
  return { text, truncated: false }
}

/** Lines `[start, end)`; negative bounds read backwards from the end when they can. */
export async function selectLines(source: DrilldownSource, window: Window, cap: number) {
  const keep = (line: RawLine) => ({ text: decodeUtf8(line.bytes), cut: line.cut })
  const done = (items: { text: string; cut: boolean }[], truncated: boolean) => ({
    lines: items.map((item) => item.text),
    truncated: truncated || items.some((item) => item.cut),
  })
  if (window.start < 0 && (window.end === undefined || window.end < 0)) {
    const tail = await tailBytes(source, -window.start, TAIL_BUDGET)
    if (tail !== undefined) {
      const splitter = new LineSplitter(cap)
      const lines = [...splitter.push(tail), ...splitter.end()]
      const picked = lines.slice(window.start, window.end)
      return done(picked.slice(0, window.max).map(keep), picked.length > window.max)
    }
  }
  if (window.start > 0) {
    const after = skipLines(source.stream(), window.start)
    const shifted = { ...window, start: 0, end: shift(window.end, window.start) }
    const result = await sliceItems(splitLines(after, cap), shifted, keep)
    return done(result.items, result.truncated)
  }
  const result = await sliceItems(splitLines(source.stream(), cap), window, keep)
  return done(result.items, result.truncated)
}

function shift(end: number | undefined, by: number): number | undefined {
  return end === undefined || end < 0 ? end : Math.max(0, end - by)
}

/** The listed top-level keys of a JSON object; missing keys are skipped. */
export async function selectJsonKeys(source: DrilldownSource, keys: string[]) {
  if (source.size > MAX_JSON_BYTES) {
    throw new ValidationError("selector", "the artifact is too large for json_keys (64 MiB)", {
      reason: "too_large",
    })
  }
  let value: unknown
  try {
    value = JSON.parse(decodeUtf8(await readRange(source, 0, source.size)))
  } catch {
    throw new ValidationError("selector", "the artifact is not valid JSON", {
      reason: "invalid_json",
    })
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ValidationError("selector", "json_keys needs a JSON object", {
      reason: "not_an_object",
      actual: value === null ? "null" : Array.isArray(value) ? "array" : typeof value,
    })
  }
  const values: { [key: string]: Json } = {}
  for (const key of keys) {
    if (Object.hasOwn(value, key)) values[key] = (value as Record<string, Json>)[key] as Json
  }
  return values
}
