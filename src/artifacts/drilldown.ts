import { ValidationError } from "../core/errors.js"
import type { Json } from "../core/types.js"
import { checkEnum, checkInt, checkKeys, checkObject, describe } from "../core/validation.js"
import { compilePattern, type GrepMatch, grepLines } from "./select-grep.js"
import { type RowFormat, rowFormatOf, selectRows } from "./select-rows.js"
import { selectHead, selectJsonKeys, selectLines } from "./select-text.js"
import { SELECTOR_KINDS } from "./selector-kinds.js"
import { type DrilldownSource, readRange } from "./text-stream.js"

/**
 * How to read a slice of an artifact without loading all of it. Characters are Unicode code
 * points (not UTF-16 units, not bytes); bytes that are not valid UTF-8 read as U+FFFD. Lines and
 * rows count from 0; `start` is inclusive, `end` exclusive, negatives count from the end
 * (`Array.prototype.slice` semantics).
 */
export type DrilldownSelector =
  | { kind: "head"; chars: number }
  | { kind: "lines"; start?: number; end?: number }
  | { kind: "json_keys"; keys: string[] }
  | { kind: "rows"; start?: number; end?: number; format?: RowFormat; header?: boolean }
  | { kind: "grep"; pattern: string; context?: number; max?: number; ignoreCase?: boolean }
  | { kind: "bytes"; offset: number; length: number }

/** What a drilldown returns; `truncated` says more content exists past what was returned. */
export type DrilldownResult =
  | { kind: "head"; text: string; truncated: boolean }
  | { kind: "lines"; lines: string[]; truncated: boolean }
  | { kind: "json_keys"; values: { [key: string]: Json } }
  | { kind: "rows"; format: RowFormat; rows: Json[]; truncated: boolean }
  | { kind: "grep"; matches: GrepMatch[]; truncated: boolean }
  | { kind: "bytes"; offset: number; bytes: Uint8Array }

export { SELECTOR_KINDS }

/** Most lines or rows one call returns. */
const MAX_ITEMS = 10_000
/** Most code points `head` returns. */
const MAX_HEAD_CHARS = 1_000_000
/** Most bytes `bytes` returns. */
const MAX_BYTES = 16 << 20
/** Lines are returned up to this many bytes each; `truncated` marks a cut line. */
const LINE_CAP = 64 << 10
const MAX_FROM_END = 100_000

/**
 * Reads a slice of `source` as `selector` asks, streaming where the selector allows: `head`,
 * `lines`, `rows`, `grep` and `bytes` read only as far as they need (negative `lines` bounds read
 * backwards from the end); `json_keys` parses the whole document (up to 64 MiB).
 * The output depends only on the bytes, so every backend returns the same.
 */
export async function drilldown(
  source: DrilldownSource,
  selector: DrilldownSelector,
): Promise<DrilldownResult> {
  const s = checkObject("selector", selector)
  const kind = checkEnum("selector.kind", s.kind, SELECTOR_KINDS)
  switch (kind) {
    case "head":
      checkKeys("selector", s, ["kind", "chars"])
      return {
        kind,
        ...(await selectHead(source, checkInt("selector.chars", s.chars, 0, MAX_HEAD_CHARS))),
      }
    case "lines":
      checkKeys("selector", s, ["kind", "start", "end"])
      return { kind, ...(await selectLines(source, window(s), LINE_CAP)) }
    case "json_keys":
      checkKeys("selector", s, ["kind", "keys"])
      return { kind, values: await selectJsonKeys(source, keyList(s.keys)) }
    case "rows":
      return rows(source, s)
    case "grep":
      return grep(source, s)
    case "bytes": {
      checkKeys("selector", s, ["kind", "offset", "length"])
      const offset = checkInt("selector.offset", s.offset, 0, Number.MAX_SAFE_INTEGER)
      const length = checkInt("selector.length", s.length, 0, MAX_BYTES)
      const start = Math.min(offset, source.size)
      const bytes = await readRange(source, start, Math.min(source.size, start + length))
      return { kind, offset: start, bytes: new Uint8Array(bytes) }
    }
  }
}

function window(s: Record<string, unknown>) {
  const bound = (field: string) =>
    s[field] === undefined
      ? undefined
      : checkInt(`selector.${field}`, s[field], -MAX_FROM_END, Number.MAX_SAFE_INTEGER)
  return { start: bound("start") ?? 0, end: bound("end"), max: MAX_ITEMS }
}

function keyList(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 1000) {
    throw new ValidationError("selector.keys", "must be an array of 1 to 1000 strings")
  }
  return value.map((key, i) => {
    if (typeof key !== "string") {
      throw new ValidationError(`selector.keys[${i}]`, "must be a string", {
        received: describe(key),
      })
    }
    return key
  })
}

async function rows(source: DrilldownSource, s: Record<string, unknown>): Promise<DrilldownResult> {
  checkKeys("selector", s, ["kind", "start", "end", "format", "header"])
  const format =
    s.format === undefined
      ? rowFormatOf(source.mediaType)
      : checkEnum("selector.format", s.format, ["ndjson", "csv", "json"] as const)
  if (format === undefined) {
    throw new ValidationError("selector.format", `is needed: ${source.mediaType} has no row format`)
  }
  if (s.header !== undefined && typeof s.header !== "boolean") {
    throw new ValidationError("selector.header", "must be a boolean")
  }
  if (s.header === true && format !== "csv") {
    throw new ValidationError("selector.header", "applies to CSV only")
  }
  const result = await selectRows(source, format, window(s), s.header === true)
  return { kind: "rows", format, ...result }
}

async function grep(source: DrilldownSource, s: Record<string, unknown>): Promise<DrilldownResult> {
  checkKeys("selector", s, ["kind", "pattern", "context", "max", "ignoreCase"])
  if (s.ignoreCase !== undefined && typeof s.ignoreCase !== "boolean") {
    throw new ValidationError("selector.ignoreCase", "must be a boolean")
  }
  const pattern = compilePattern(s.pattern, s.ignoreCase === true)
  const context = s.context === undefined ? 0 : checkInt("selector.context", s.context, 0, 20)
  const max = s.max === undefined ? 100 : checkInt("selector.max", s.max, 1, 1000)
  return { kind: "grep", ...(await grepLines(source, pattern, context, max)) }
}
