import { ValidationError } from "../core/errors.js"
import type { Json } from "../core/types.js"
import {
  type DrilldownSource,
  decodeStream,
  decodeUtf8,
  type RawLine,
  readRange,
  splitLines,
  tailBytes,
} from "./text-stream.js"
import { sliceItems, type Window } from "./window.js"

/** Largest document `json_keys` parses. */
export const MAX_JSON_BYTES = 64 << 20
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
  let cut = false
  const keep = (line: RawLine) => {
    if (line.cut) cut = true
    return decodeUtf8(line.bytes)
  }
  if (window.start < 0 && (window.end === undefined || window.end < 0)) {
    const tail = await tailBytes(source, -window.start, TAIL_BUDGET)
    if (tail !== undefined) {
      const lines: RawLine[] = []
      for await (const line of splitLines([tail], cap)) lines.push(line)
      const picked = lines.slice(window.start, window.end)
      return {
        lines: picked.slice(0, window.max).map(keep),
        truncated: cut || picked.length > window.max,
      }
    }
  }
  const result = await sliceItems(splitLines(source.stream(), cap), window, keep)
  return { lines: result.items, truncated: result.truncated || cut }
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
