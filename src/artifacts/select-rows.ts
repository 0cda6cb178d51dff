import { ValidationError } from "../core/errors.js"
import type { Json } from "../core/types.js"
import {
  type DrilldownSource,
  decodeStream,
  decodeUtf8,
  type RawLine,
  splitLines,
} from "./text-stream.js"
import { sliceItems, type Window } from "./window.js"

/** Row formats the `rows` selector reads. */
export type RowFormat = "ndjson" | "csv" | "json"

/** Largest single row (in characters) the `rows` selector holds. */
const MAX_ROW_CHARS = 16 << 20

/** The row format a media type implies, if any. */
export function rowFormatOf(mediaType: string): RowFormat | undefined {
  const type = (mediaType.split(";")[0] as string).trim().toLowerCase()
  if (/^application\/(x-)?(ndjson|jsonl|jsonlines)$/.test(type)) return "ndjson"
  if (type === "text/csv") return "csv"
  if (type === "application/json" || type.endsWith("+json")) return "json"
  return undefined
}

/** Rows `[start, end)` of an NDJSON, CSV or JSON-array blob, parsed. */
export async function selectRows(
  source: DrilldownSource,
  format: RowFormat,
  window: Window,
  header: boolean,
): Promise<{ rows: Json[]; truncated: boolean }> {
  if (format === "ndjson") {
    const lines = nonBlank(splitLines(source.stream(), MAX_ROW_CHARS * 4))
    const { items, truncated } = await sliceItems(lines, window, (line) => decodeUtf8(line.bytes))
    return { rows: items.map((text) => parseRow(text)), truncated }
  }
  if (format === "json") {
    const elements = jsonArrayElements(decodeStream(source.stream()))
    const { items, truncated } = await sliceItems(elements, window, (text) => text)
    return { rows: items.map((text) => parseRow(text)), truncated }
  }
  const records = csvRecords(decodeStream(source.stream()))
  if (!header) {
    const { items, truncated } = await sliceItems(records, window, (row) => row)
    return { rows: items, truncated }
  }
  let names: string[] | undefined
  async function* body(): AsyncGenerator<string[][]> {
    for await (const batch of records) {
      if (names === undefined) names = batch.shift()
      if (batch.length > 0) yield batch
    }
  }
  const { items, truncated } = await sliceItems(body(), window, (row) => {
    const object: Record<string, string> = {}
    for (const [i, name] of (names ?? []).entries()) object[name] = row[i] ?? ""
    return object
  })
  return { rows: items, truncated }
}

async function* nonBlank(batches: AsyncIterable<RawLine[]>): AsyncGenerator<RawLine[]> {
  for await (const lines of batches) {
    yield lines.filter((line) => {
      if (line.cut) throw new ValidationError("selector", "an NDJSON row is too large")
      return line.bytes.some((b) => b !== 32 && b !== 9 && b !== 13)
    })
  }
}

function parseRow(text: string): Json {
  try {
    return JSON.parse(text) as Json
  } catch {
    throw new ValidationError("selector", "a row is not valid JSON", { reason: "invalid_json" })
  }
}

/** RFC 4180 records: `,` separated, `"` quoted (`""` escapes a quote), newlines inside quotes kept. */
export async function* csvRecords(pieces: AsyncIterable<string>): AsyncGenerator<string[][]> {
  let batch: string[][] = []
  let row: string[] = []
  let field = ""
  let quoted = false
  let afterQuote = false
  let size = 0
  let any = false
  for await (const piece of pieces) {
    for (let i = 0; i < piece.length; i++) {
      const c = piece[i] as string
      any = true
      if (++size > MAX_ROW_CHARS) throw new ValidationError("selector", "a CSV row is too large")
      if (quoted) {
        if (c !== '"') field += c
        else if (piece[i + 1] === '"') {
          field += '"'
          i++
        } else if (i + 1 === piece.length) {
          quoted = false
          afterQuote = true
        } else quoted = false
        continue
      }
      if (afterQuote && c === '"') {
        field += '"'
        quoted = true
        afterQuote = false
        continue
      }
      afterQuote = false
      if (c === '"' && field.length === 0) quoted = true
      else if (c === ",") {
        row.push(field)
        field = ""
      } else if (c === "\n") {
        row.push(field.endsWith("\r") ? field.slice(0, -1) : field)
        batch.push(row)
        row = []
        field = ""
        any = false
        size = 0
      } else field += c
    }
    if (batch.length > 0) yield batch
    batch = []
  }
  if (any) {
    row.push(field.endsWith("\r") && !quoted ? field.slice(0, -1) : field)
    yield [row]
  }
}

/** The text of each element of a top-level JSON array, streamed. */
export async function* jsonArrayElements(pieces: AsyncIterable<string>): AsyncGenerator<string[]> {
  let batch: string[] = []
  let state: "before" | "between" | "done" = "before"
  let depth = 0
  let inString = false
  let escaped = false
  let current = ""
  for await (const piece of pieces) {
    for (let i = 0; i < piece.length; i++) {
      const c = piece[i] as string
      if (state === "done") {
        if (!/\s/.test(c)) throw notArray("trailing data after the array")
        continue
      }
      if (state === "before") {
        if (/\s/.test(c) || c === "\ufeff") continue
        if (c !== "[") throw notArray("the content is not a JSON array")
        state = "between"
        continue
      }
      if (inString) {
        current += c
        if (escaped) escaped = false
        else if (c === "\\") escaped = true
        else if (c === '"') inString = false
        continue
      }
      if (depth === 0 && (c === "," || c === "]")) {
        const text = current.trim()
        if (text.length > 0) batch.push(text)
        else if (c === ",") throw notArray("an array element is empty")
        current = ""
        if (c === "]") state = "done"
        continue
      }
      if (c === '"') inString = true
      else if (c === "[" || c === "{") depth++
      else if (c === "]" || c === "}") depth--
      current += c
      if (current.length > MAX_ROW_CHARS)
        throw new ValidationError("selector", "a JSON array element is too large")
    }
    if (batch.length > 0) yield batch
    batch = []
  }
  if (state !== "done") throw notArray("the JSON array is not closed")
}

function notArray(message: string): ValidationError {
  return new ValidationError("selector", message, { reason: "not_an_array" })
}
