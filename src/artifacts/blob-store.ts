/**
 * Blob stores: content-addressed storage of byte strings, keyed by their SHA-256 (lower-case hex).
 *
 * Two implementations share this contract: the filesystem store (`fs-blob-store.ts`, the default,
 * under `<store dir>/blobs/`) and the in-database store (`db-blob-store.ts`, chunked rows, for
 * `:memory:` and for deployments whose nodes share no disk).
 *
 * ## Referencing blobs, and garbage collection
 *
 * A blob is kept while some row points at it. The tables and columns that hold blob hashes are
 * listed once, in `BLOB_REFERENCES` (`src/core/blob-references.ts`); every backend builds its
 * "is this blob referenced?" SQL from that list. A domain that stores hashes (artifact refs,
 * changeset entries) adds its `{ table, column }` pairs there and nothing else: `gc()` then keeps
 * the blobs its rows point at, on every backend.
 *
 * A writer must `put` the blob first and insert the row that references it afterwards. `put`
 * refreshes the blob's modification time even when the bytes were already stored, and `gc()`
 * never deletes a blob modified within its grace period (default one hour), so a concurrent
 * `put` + row insert is never undone by a collection running at the same time, as long as the
 * row is inserted within the grace period after `put` resolves.
 */
import type { Readable } from "node:stream"

/** What `put` accepts: bytes, a string (stored as UTF-8), or a stream of byte chunks. */
export type BlobInput = Uint8Array | string | AsyncIterable<Uint8Array> | Readable

/** The address and length of a stored blob. */
export interface BlobInfo {
  /** SHA-256 of the bytes, 64 lower-case hex digits. */
  sha256: string
  /** Length in bytes. */
  size: number
}

/** A stored blob as enumerated for garbage collection. */
export interface BlobEntry extends BlobInfo {
  /** When the blob was last written or re-put (epoch ms). */
  modifiedAt: number
}

/** A byte range: `start` inclusive (default 0), `end` exclusive (default the size). */
export interface ByteRange {
  start?: number
  end?: number
}

/** How `collect` decides that a blob may go. */
export interface CollectOptions {
  /** Only blobs last modified before this time (epoch ms) are deleted. */
  olderThan: number
  /** Asked right before deletion; `true` keeps the blob. */
  isReferenced(sha256: string): Promise<boolean>
}

/**
 * Content-addressed byte storage. The same bytes are stored once; reads verify the hash.
 * Hashes given to any method are validated (64 hex digits) before they touch storage.
 */
export interface BlobStore {
  /** `"fs"` or `"database"`. */
  readonly kind: "fs" | "database"
  /** Stores bytes (streamed; memory stays bounded) and returns their hash and size. */
  put(data: BlobInput): Promise<BlobInfo>
  /** Reads a whole blob. Missing → `NotFoundError`; bytes that do not match → `IntegrityError`. */
  get(sha256: string): Promise<Uint8Array>
  /**
   * Streams a blob or a byte range of it. A whole-blob stream verifies the hash at its end and
   * fails with `IntegrityError` on mismatch. A range of the in-database store is verified chunk
   * by chunk (each 1 MiB chunk against its stored SHA-256); a range of the filesystem store is
   * not verified (docs/artifacts.md, "What is verified where").
   * Missing → `NotFoundError` (raised before the first chunk).
   */
  stream(sha256: string, range?: ByteRange): AsyncIterable<Uint8Array>
  /** The size of a stored blob, or `undefined`. */
  stat(sha256: string): Promise<BlobEntry | undefined>
  /** True when the blob is stored. */
  has(sha256: string): Promise<boolean>
  /** Deletes a blob unconditionally; true when it existed. Prefer `collect` in normal use. */
  delete(sha256: string): Promise<boolean>
  /** Deletes a blob when it is old enough and unreferenced, safely against a concurrent `put`. */
  collect(sha256: string, options: CollectOptions): Promise<boolean>
  /** Every stored blob, in no particular order. */
  list(): AsyncIterable<BlobEntry>
  /** Removes leftovers of interrupted puts last touched before `olderThan`; returns how many. */
  sweep(olderThan: number): Promise<number>
}

const SHA256_HEX = /^[0-9a-f]{64}$/

/** True for a well-formed blob address (64 lower-case hex digits). */
export function isSha256(value: unknown): value is string {
  return typeof value === "string" && SHA256_HEX.test(value)
}
