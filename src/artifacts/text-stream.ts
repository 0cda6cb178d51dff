import { collectBytes } from "./blob-input.js"
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
 * Splits bytes on `\n` (a `\r` before it is dropped). A final newline does not start an extra
 * empty line. Lines longer than `cap` bytes are cut at a code point boundary and flagged, so one
 * huge line never fills memory. Returned bytes may be views into the pushed chunks.
 */
export class LineSplitter {
  readonly #cap: number
  #parts: Uint8Array[] = []
  #length = 0
  #cut = false
  #open = false

  constructor(cap: number) {
    this.#cap = cap
  }

  /** The lines a chunk completes. */
  push(chunk: Uint8Array): RawLine[] {
    const lines: RawLine[] = []
    let at = 0
    for (;;) {
      const newline = chunk.indexOf(10, at)
      if (newline === -1) {
        this.#take(chunk.subarray(at))
        return lines
      }
      if (this.#parts.length === 0 && !this.#cut && newline - at <= this.#cap) {
        lines.push(finish(chunk.subarray(at, newline), false, this.#cap))
      } else {
        this.#take(chunk.subarray(at, newline))
        lines.push(this.#line())
      }
      at = newline + 1
    }
  }

  /** The last line, if the bytes did not end with a newline. */
  end(): RawLine[] {
    return this.#open ? [this.#line()] : []
  }

  #take(piece: Uint8Array): void {
    if (piece.length === 0) return
    this.#open = true
    if (this.#cut) return
    const room = this.#cap - this.#length
    if (piece.length > room) this.#cut = true
    const kept = piece.length > room ? piece.subarray(0, room) : piece
    this.#parts.push(kept)
    this.#length += kept.length
  }

  #line(): RawLine {
    const parts = this.#parts
    const bytes = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts, this.#length)
    const line = finish(bytes, this.#cut, this.#cap)
    this.#parts = []
    this.#length = 0
    this.#cut = false
    this.#open = false
    return line
  }
}

function finish(bytes: Uint8Array, cut: boolean, cap: number): RawLine {
  if (cut) return { bytes: bytes.subarray(0, codePointBoundary(bytes, cap)), cut }
  const end = bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length
  return { bytes: bytes.subarray(0, end), cut }
}

/** Splits a byte stream into lines (see `LineSplitter`), yielded in batches (one per chunk). */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array>,
  cap: number,
): AsyncGenerator<RawLine[]> {
  const splitter = new LineSplitter(cap)
  for await (const chunk of chunks) {
    const lines = splitter.push(chunk)
    if (lines.length > 0) yield lines
  }
  const last = splitter.end()
  if (last.length > 0) yield last
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
  return collectBytes(source.stream({ start, end }))
}

/**
 * Reads backwards from the end, in growing steps, until it holds the last `count` lines; returns
 * exactly the bytes of those lines (or of the whole blob when it has fewer). Returns `undefined`
 * when that would take more than `budget` bytes.
 */
export async function tailBytes(
  source: DrilldownSource,
  count: number,
  budget: number,
): Promise<Buffer | undefined> {
  const parts: Buffer[] = []
  let position = source.size
  let total = 0
  let step = 64 << 10
  while (position > 0) {
    const from = Math.max(0, position - step)
    parts.unshift(await readRange(source, from, position))
    total += position - from
    position = from
    const bytes = Buffer.concat(parts, total)
    const start = startOfLastLines(bytes, count)
    if (start !== undefined) return bytes.subarray(start)
    if (total > budget) return undefined
    step = Math.min(step * 2, 4 << 20)
  }
  return Buffer.concat(parts, total)
}

/** Where the last `count` lines of the tail `bytes` start, if all of them are in it. */
function startOfLastLines(bytes: Buffer, count: number): number | undefined {
  let at = bytes[bytes.length - 1] === 10 ? bytes.length - 1 : bytes.length
  for (let seen = 0; seen < count; seen++) {
    if (at === 0) return undefined
    const newline = bytes.lastIndexOf(10, at - 1)
    if (newline === -1) return undefined
    at = newline
  }
  return at + 1
}

/**
 * The byte stream after its first `lines` lines: newlines are counted without building lines,
 * so skipping to a line near the end of a large blob costs one scan and no allocation per line.
 */
export async function* skipLines(
  chunks: AsyncIterable<Uint8Array>,
  lines: number,
): AsyncGenerator<Uint8Array> {
  let left = lines
  for await (const chunk of chunks) {
    if (left === 0) {
      yield chunk
      continue
    }
    let at = 0
    while (left > 0) {
      const newline = chunk.indexOf(10, at)
      if (newline === -1) break
      left--
      at = newline + 1
    }
    if (left === 0 && at < chunk.length) yield chunk.subarray(at)
  }
}
