/** The `format` field of every bundle header. */
export const BUNDLE_FORMAT = "agentstore-bundle"
/** The version of the line layout (not the schema): bumped only when lines change shape. */
export const BUNDLE_FORMAT_VERSION = 1

/** Record kinds a bundle carries, in the order they are written. */
export const RECORD_TYPES = [
  "session",
  "message",
  "event",
  "tool",
  "plan",
  "change",
  "artifact",
  "blob",
] as const
/** One kind of record line. */
export type RecordType = (typeof RECORD_TYPES)[number]

/** How many records of each kind (`blob`: chunk lines). */
export type BundleCounts = Record<RecordType, number>

/** What was exported: some sessions, one agent's sessions, or the whole namespace. */
export type BundleSelection = { sessions: string[] } | { agent: string } | { all: true }

/** The first line. `counts` are those seen when the export started (the trailer has the exact ones). */
export interface BundleHeader {
  type: "header"
  format: typeof BUNDLE_FORMAT
  formatVersion: number
  /** The schema version (migration number) of the store that wrote the bundle. */
  schemaVersion: number
  createdAt: string
  source: { namespace: string; backend: string; selection: BundleSelection }
  counts: BundleCounts
}

/** The last line: exact counts and the SHA-256 (hex) of every byte before this line. */
export interface BundleTrailer {
  type: "trailer"
  counts: BundleCounts
  sha256: string
}

/** Limits that keep a hostile bundle from exhausting memory or disk. */
export interface BundleLimits {
  /** Most bytes after decompression. Default 8 GiB. */
  maxBytes: number
  /** Longest line. Default 256 MiB. */
  maxLineBytes: number
  /** Most records of all kinds together. Default 50,000,000. */
  maxRecords: number
}

/** The limits used when none are given. */
export const DEFAULT_LIMITS: Readonly<BundleLimits> = Object.freeze({
  maxBytes: 8 * 1024 ** 3,
  maxLineBytes: 256 * 1024 ** 2,
  maxRecords: 50_000_000,
})

/** Zero counts. */
export function emptyCounts(): BundleCounts {
  return { session: 0, message: 0, event: 0, tool: 0, plan: 0, change: 0, artifact: 0, blob: 0 }
}

/** Most raw bytes one `blob` line carries (base64-encoded in its `data`). */
export const BLOB_CHUNK_BYTES = 1024 * 1024
