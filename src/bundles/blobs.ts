import { createHash, type Hash } from "node:crypto"
import { closeSync, openSync, writeSync } from "node:fs"
import { join } from "node:path"
import type { BlobStore } from "../artifacts/blob-store.js"
import { BLOB_CHUNK_BYTES } from "./format.js"
import { reject } from "./lines.js"
import { checkSha256 } from "./records-work.js"

/** One `blob` line: a slice of a blob's bytes at `offset`, base64 in `data`. */
export interface BlobChunk {
  sha256: string
  size: number
  offset: number
  data: string
}

/** How many `blob` lines a blob of `size` bytes takes (an empty blob still takes one). */
export function chunkCount(size: number): number {
  return Math.max(1, Math.ceil(size / BLOB_CHUNK_BYTES))
}

/** A blob's bytes as `blob` lines of at most `BLOB_CHUNK_BYTES`, streamed from `blobs`. */
export async function* blobChunks(blobs: BlobStore, sha256: string, size: number) {
  let offset = 0
  let pending: Buffer[] = []
  let pendingSize = 0
  const take = (n: number): BlobChunk => {
    const all = Buffer.concat(pending, pendingSize)
    const piece = all.subarray(0, n)
    pending = [Buffer.from(all.subarray(n))]
    pendingSize -= n
    const chunk = { sha256, size, offset, data: piece.toString("base64") }
    offset += n
    return chunk
  }
  for await (const bytes of blobs.stream(sha256)) {
    pending.push(Buffer.from(bytes))
    pendingSize += bytes.length
    while (pendingSize >= BLOB_CHUNK_BYTES) yield take(BLOB_CHUNK_BYTES)
  }
  if (pendingSize > 0 || offset === 0) yield take(pendingSize)
}

interface Receiving {
  sha256: string
  size: number
  received: number
  hash: Hash
  fd: number
}

/**
 * Receives `blob` lines during verification: checks each chunk follows the previous one,
 * writes the bytes to a file under `dir` and, once a blob is complete, that its SHA-256
 * matches. Memory holds one chunk at a time.
 */
export function blobReceiver(dir: string) {
  const files = new Map<string, string>()
  let current: Receiving | undefined
  const finish = () => {
    const blob = current
    if (!blob) return
    current = undefined
    closeSync(blob.fd)
    if (blob.received !== blob.size) {
      throw reject("blob-incomplete", `blob ${blob.sha256} ends before its size`)
    }
    const digest = blob.hash.digest("hex")
    if (digest !== blob.sha256) {
      throw reject("blob-checksum", `blob ${blob.sha256} bytes hash to ${digest}`, {
        sha256: blob.sha256,
      })
    }
  }
  return {
    files,
    /** Takes one `blob` record (already known to be an object). */
    add(value: Record<string, unknown>, line: number): void {
      const chunk = checkChunk(value, line)
      if (current && current.sha256 !== chunk.sha256) finish()
      if (!current) {
        if (files.has(chunk.sha256)) throw reject("duplicate-id", `duplicate blob ${chunk.sha256}`)
        const path = join(dir, `blob-${files.size}`)
        files.set(chunk.sha256, path)
        current = {
          sha256: chunk.sha256,
          size: chunk.size,
          received: 0,
          hash: createHash("sha256"),
          fd: openSync(path, "w"),
        }
      }
      const bytes = Buffer.from(chunk.data, "base64")
      if (
        chunk.size !== current.size ||
        chunk.offset !== current.received ||
        bytes.toString("base64") !== chunk.data ||
        bytes.length > BLOB_CHUNK_BYTES ||
        current.received + bytes.length > current.size
      ) {
        throw reject("blob-chunk", `line ${line}: a blob chunk out of place or malformed`, { line })
      }
      current.hash.update(bytes)
      writeAllSync(current.fd, bytes)
      current.received += bytes.length
    },
    /** Called before any other line and at the end: the blob being received must be whole. */
    finish,
    /** Closes a file left open by a rejected bundle. */
    close(): void {
      if (current) closeSync(current.fd)
      current = undefined
    },
  }
}

/** Writes all of `bytes` to `fd`: a short write (a disk filling up) is continued until it fails. */
function writeAllSync(fd: number, bytes: Buffer): void {
  for (let offset = 0; offset < bytes.length; ) {
    const n = writeSync(fd, bytes, offset, bytes.length - offset)
    if (n <= 0) throw Object.assign(new Error("write made no progress"), { code: "ENOSPC" })
    offset += n
  }
}

/** A blob receiver. */
export type BlobReceiver = ReturnType<typeof blobReceiver>

function checkChunk(value: Record<string, unknown>, line: number): BlobChunk {
  const r = value.record as Record<string, unknown> | null
  const keys = r && typeof r === "object" ? Object.keys(r).sort().join(",") : ""
  const int = (n: unknown) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0
  if (
    keys !== "data,offset,sha256,size" ||
    !r ||
    !int(r.size) ||
    !int(r.offset) ||
    typeof r.data !== "string"
  ) {
    throw reject("invalid-record", `line ${line}: not a blob chunk`, { line })
  }
  try {
    checkSha256("blob.sha256", r.sha256)
  } catch {
    throw reject("invalid-record", `line ${line}: blob.sha256 is not a SHA-256`, { line })
  }
  return r as unknown as BlobChunk
}
