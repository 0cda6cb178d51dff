import type { ByteRange } from "./blob-store.js"

/** What drilldown reads: a blob's size, media type and ranged byte stream. */
export interface DrilldownSource {
  size: number
  mediaType: string
  stream(range?: ByteRange): AsyncIterable<Uint8Array>
}

/** A line as raw bytes (without `\n` or a trailing `\r`), and whether it was cut at the cap. */
export interface RawLine {
  bytes: Uint8Array
  cut: boolean
}

const decoder = new TextDecoder("utf-8")

/** UTF-8 → string; invalid sequences become U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

/** The largest length ≤ `at` that does not split a UTF-8 sequence. */
export function codePointBoundary(bytes: Uint8Array, at: number): number {
  let cut = Math.min(at, bytes.length)
  while (cut > 0 && cut < bytes.length && ((bytes[cut] as number) & 0xc0) === 0x80) cut--
  return cut
}

/**
 * Splits a byte stream on `\n` (a `\r` before it is dropped). A final newline does not start an
 * extra empty line. Lines longer than `cap` bytes are cut at a code point boundary and flagged,
 * so one huge line never fills memory. Yielded bytes may be views into the input chunks.
 */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  cap: number,
): AsyncGenerator<RawLine> {
  let parts: Uint8Array[] = []
  let length = 0
  let cut = false
  let open = false
  const take = (piece: Uint8Array) => {
    if (piece.length === 0) return
    open = true
    if (cut) return
    const room = cap - length
    if (piece.length > room) cut = true
    const kept = piece.length > room ? piece.subarray(0, room) : piece
    parts.push(kept)
    length += kept.length
  }
  const line = (): RawLine => {
    let bytes = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts, length)
    if (cut) bytes = bytes.subarray(0, codePointBoundary(bytes, cap))
    else if (bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1)
    const result = { bytes, cut }
    parts = []
    length = 0
    cut = false
    open = false
    return result
  }
  for await (const chunk of chunks) {
    let at = 0
    for (;;) {
      const newline = chunk.indexOf(10, at)
      if (newline === -1) {
        take(chunk.subarray(at))
        break
      }
      take(chunk.subarray(at, newline))
      yield line()
      at = newline + 1
    }
  }
  if (open) yield line()
}

/** Decodes a byte stream as UTF-8 text pieces (sequences split across chunks are kept whole). */
export async function* decodeStream(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const streaming = new TextDecoder("utf-8")
  for await (const chunk of chunks) {
    const text = streaming.decode(chunk, { stream: true })
    if (text.length > 0) yield text
  }
  const rest = streaming.decode()
  if (rest.length > 0) yield rest
}

/** Reads a byte range whole. */
export async function readRange(source: DrilldownSource, start: number, end: number) {
  const parts: Uint8Array[] = []
  for await (const part of source.stream({ start, end })) parts.push(part)
  return Buffer.concat(parts)
}

/**
 * Reads backwards from the end until the bytes hold `count` complete lines (or the whole blob).
 * Returns `undefined` when that would take more than `budget` bytes.
 */
export async function tailBytes(
  source: DrilldownSource,
  count: number,
  budget: number,
  step = 1 << 20,
): Promise<Buffer | undefined> {
  const parts: Buffer[] = []
  let position = source.size
  let newlines = 0
  let total = 0
  while (position > 0 && newlines < count) {
    const from = Math.max(0, position - step)
    const chunk = await readRange(source, from, position)
    const last = position === source.size ? chunk.length - 1 : chunk.length
    for (let i = chunk.indexOf(10); i !== -1 && i < last; i = chunk.indexOf(10, i + 1)) newlines++
    parts.unshift(chunk)
    total += chunk.length
    position = from
    if (total > budget && newlines < count && position > 0) return undefined
  }
  return Buffer.concat(parts, total)
}
