import type { ArtifactRow, DbBlobRow } from "./artifact-rows.js"

/** A validated artifact listing, ready for SQL. Times are epoch ms. */
export interface ArtifactListSpec {
  sessionId?: string
  mediaType?: string
  label?: string
  order: "asc" | "desc"
  /** Rows to fetch (the caller asks for one more than it shows, to know `hasMore`). */
  limit: number
  /** Keyset position: rows strictly after this (created time, handle) in the chosen order. */
  after?: { time: number; id: string }
}

/**
 * Artifact refs: named, typed pointers to content-addressed blobs, scoped by namespace.
 * Blobs themselves are not namespaced (the same bytes are stored once for everyone).
 */
export interface ArtifactOps {
  /**
   * Inserts a ref. An existing handle with the same content is returned as stored; with a
   * different content it is a `ConflictError`, unless `overwrite` replaces it.
   */
  insertArtifact(row: ArtifactRow, options: { overwrite: boolean }): Promise<ArtifactRow>
  getArtifact(ns: string, handle: string): Promise<ArtifactRow | undefined>
  listArtifacts(ns: string, spec: ArtifactListSpec): Promise<ArtifactRow[]>
  /** Deletes a ref (never the blob); true when it existed. */
  deleteArtifact(ns: string, handle: string): Promise<boolean>
  /** The hashes among `sha256s` that no row listed in `BLOB_REFERENCES` names, in any namespace. */
  unreferencedBlobs(sha256s: readonly string[]): Promise<string[]>
  /**
   * Notes that `ns` supplied these blobs' bytes (at `now`, epoch ms of the wall clock, like blob
   * times): from then on it may name them by hash. Blobs are shared, so this is what keeps one
   * namespace from naming, and so reading, bytes only another namespace stored.
   */
  claimBlobs(ns: string, sha256s: readonly string[], now: number): Promise<void>
  /** The hashes among `sha256s` that `ns` has claimed, sorted. */
  ownedBlobs(ns: string, sha256s: readonly string[]): Promise<string[]>
  /** Drops every namespace's claims on deleted blobs, when made before `olderThan`. */
  releaseBlobs(sha256s: readonly string[], olderThan: number): Promise<void>
}

/** One stored chunk of the in-database blob store and its SHA-256 (`null` before migration 5). */
export interface DbBlobChunk {
  data: Uint8Array
  sha256: string | null
}

/**
 * Blob bytes kept in the database, in fixed-size chunks: the in-database blob store's storage.
 * An upload writes chunks under a numeric id in small transactions, then `blobCommitUpload`
 * names it by hash in one transaction (or drops it when that hash is already stored).
 */
export interface BlobOps {
  /** Starts an upload; returns its id. */
  blobBeginUpload(chunkSize: number, now: number): Promise<number>
  /** Stores chunks `first`, `first + 1`, … of an upload, each with its SHA-256. */
  blobWriteChunks(upload: number, first: number, chunks: readonly DbBlobChunk[]): Promise<void>
  /** Names the upload by hash, or drops it and touches the stored blob when the hash exists. */
  blobCommitUpload(upload: number, sha256: string, size: number, now: number): Promise<void>
  blobAbortUpload(upload: number): Promise<void>
  blobStat(sha256: string): Promise<DbBlobRow | undefined>
  /** Chunks `from` (inclusive) to `to` (exclusive) of a stored blob, in order, with their hashes. */
  blobReadChunks(sha256: string, from: number, to: number): Promise<DbBlobChunk[]>
  /** Refreshes a stored blob's `touched_at`; false when it is not stored. */
  blobTouch(sha256: string, now: number): Promise<boolean>
  /**
   * Deletes a stored blob. With `collect`, only when it was touched before `olderThan` and no
   * row listed in `BLOB_REFERENCES` names it, checked in the same transaction.
   */
  blobDelete(sha256: string, collect?: { olderThan: number }): Promise<boolean>
  /** Stored blobs with hash > `after`, by hash. */
  blobList(after: string, limit: number): Promise<DbBlobRow[]>
  /** Removes uploads started before `olderThan` and never committed; returns how many. */
  blobSweepUploads(olderThan: number): Promise<number>
}
