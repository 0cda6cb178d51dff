import { ValidationError } from "../core/errors.js"
import { describe } from "../core/validation.js"
import { type BlobInput, type ByteRange, isSha256 } from "./blob-store.js"

/** A blob address from a caller: 64 lower-case hex digits, else `ValidationError`. */
export function checkSha256(value: unknown, field = "sha256"): string {
  if (!isSha256(value)) {
    throw new ValidationError(field, "must be a SHA-256 hash: 64 lower-case hex digits", {
      received: describe(value),
    })
  }
  return value
}

/** Turns any accepted input into a stream of byte chunks (strings become UTF-8). */
export async function* chunksOf(input: BlobInput): AsyncGenerator<Uint8Array> {
  if (typeof input === "string") {
    yield Buffer.from(input, "utf8")
    return
  }
  if (input instanceof Uint8Array) {
    yield input
    return
  }
  const source: unknown = input
  if (source === null || typeof source !== "object" || !(Symbol.asyncIterator in source)) {
    throw new ValidationError("data", "must be bytes, a string or a stream of bytes", {
      received: describe(input),
    })
  }
  for await (const chunk of source as AsyncIterable<unknown>) {
    if (typeof chunk === "string") yield Buffer.from(chunk, "utf8")
    else if (chunk instanceof Uint8Array) yield chunk
    else throw new ValidationError("data", "stream chunks must be bytes or strings")
  }
}

/** Resolves a byte range against a blob size: negative or non-integer bounds are rejected, large ones clamped. */
export function resolveRange(range: ByteRange | undefined, size: number): [number, number] {
  const bound = (field: string, value: number | undefined, fallback: number) => {
    if (value === undefined) return fallback
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ValidationError(`range.${field}`, "must be a non-negative integer", {
        received: describe(value),
      })
    }
    return Math.min(value, size)
  }
  const start = bound("start", range?.start, 0)
  const end = bound("end", range?.end, size)
  if (end < start) throw new ValidationError("range.end", "must not be before range.start")
  return [start, end]
}

/** Reads a stream of byte chunks whole, into one buffer. */
export async function collectBytes(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return Buffer.concat(parts)
}
