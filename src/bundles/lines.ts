import { closeSync, openSync, readSync } from "node:fs"
import { Readable } from "node:stream"
import { createGunzip } from "node:zlib"
import { IntegrityError } from "../core/errors.js"

/** Rejects a bundle: every reason a bundle is refused is an `IntegrityError` (exit code 5). */
export function reject(reason: string, message: string, details: Record<string, unknown> = {}) {
  return new IntegrityError(`bundle rejected: ${message}`, { reason, ...details })
}

/**
 * The bytes of a bundle, gunzipped when they start with the gzip magic, never more than
 * `maxBytes` after decompression (a decompression bomb stops at the cap).
 */
export async function* bundleBytes(
  source: AsyncIterable<Buffer | string>,
  maxBytes: number,
): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]()
  let head = Buffer.alloc(0)
  let done = false
  while (head.length < 2 && !done) {
    const next = await it.next()
    if (next.done) done = true
    else head = Buffer.concat([head, Buffer.from(next.value)])
  }
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head
    if (done) return
    for (;;) {
      const next = await it.next()
      if (next.done) return
      yield Buffer.from(next.value)
    }
  }
  const gzip = head[0] === 0x1f && head[1] === 0x8b
  const input = gzip ? Readable.from(rest()).pipe(createGunzip()) : rest()
  let total = 0
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      total += chunk.length
      if (total > maxBytes) {
        throw reject("too-large", `more than ${maxBytes} bytes after decompression`)
      }
      yield chunk
    }
  } catch (error) {
    if (error instanceof IntegrityError) throw error
    throw reject("corrupt", `cannot read the bundle: ${(error as Error).message}`)
  } finally {
    if (input instanceof Readable) input.destroy()
  }
}

/** Splits bytes into lines (each with its `\n`), refusing lines over `maxLineBytes`. */
export async function* splitLines(
  chunks: AsyncIterable<Buffer>,
  maxLineBytes: number,
): AsyncGenerator<{ line: Buffer; complete: boolean }> {
  let parts: Buffer[] = []
  let size = 0
  for await (const chunk of chunks) {
    let start = 0
    for (;;) {
      const nl = chunk.indexOf(10, start)
      const end = nl === -1 ? chunk.length : nl + 1
      const piece = chunk.subarray(start, end)
      size += piece.length
      if (size > maxLineBytes) throw reject("line-too-long", `a line is over ${maxLineBytes} bytes`)
      parts.push(piece)
      if (nl === -1) break
      yield { line: Buffer.concat(parts, size), complete: true }
      parts = []
      size = 0
      start = end
      if (start >= chunk.length) break
    }
  }
  if (size > 0) yield { line: Buffer.concat(parts, size), complete: false }
}

/** Reads a file's lines synchronously (for a backend transaction that cannot await). */
export function* readLinesSync(path: string): Generator<string> {
  const fd = openSync(path, "r")
  const buffer = Buffer.alloc(1 << 20)
  let carry: Buffer[] = []
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null)
      if (n === 0) break
      let start = 0
      for (;;) {
        const nl = buffer.indexOf(10, start)
        if (nl === -1 || nl >= n) {
          carry.push(Buffer.from(buffer.subarray(start, n)))
          break
        }
        carry.push(buffer.subarray(start, nl))
        yield Buffer.concat(carry).toString("utf8")
        carry = []
        start = nl + 1
      }
    }
  } finally {
    closeSync(fd)
  }
}
