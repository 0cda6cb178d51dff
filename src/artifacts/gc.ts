import type { Backend } from "../core/backend.js"
import { checkInt } from "../core/validation.js"
import type { BlobEntry, BlobStore } from "./blob-store.js"

/** Default time a freshly put blob is safe from collection, so its ref can be inserted. */
export const DEFAULT_GC_GRACE_MS = 60 * 60 * 1000

/** What one garbage collection did. */
export interface GcReport {
  /** Blobs looked at. */
  scanned: number
  /** Blobs deleted because no row pointed at them. */
  deleted: number
  /** Bytes those blobs held. */
  bytesFreed: number
  /** Leftovers of interrupted puts removed (temp files, unfinished uploads). */
  leftoversRemoved: number
}

/**
 * Deletes blobs that no row listed in `BLOB_REFERENCES` points at and that were not written or
 * re-put within `graceMs` (default one hour), then removes leftovers of interrupted puts.
 * A blob still referenced is never deleted; a put running concurrently is protected by the grace
 * period (its blob is fresh) and by the blob store's re-check right before deletion.
 */
export async function collectGarbage(
  backend: Backend,
  blobs: BlobStore,
  options: { graceMs?: number } = {},
): Promise<GcReport> {
  const graceMs =
    options.graceMs === undefined
      ? DEFAULT_GC_GRACE_MS
      : checkInt("graceMs", options.graceMs, 0, Number.MAX_SAFE_INTEGER)
  const olderThan = Date.now() - graceMs + 1
  const report: GcReport = { scanned: 0, deleted: 0, bytesFreed: 0, leftoversRemoved: 0 }
  const isReferenced = async (sha: string) => (await backend.unreferencedBlobs([sha])).length === 0
  let batch: BlobEntry[] = []
  const flush = async () => {
    const unreferenced = new Set(await backend.unreferencedBlobs(batch.map((b) => b.sha256)))
    const deleted: string[] = []
    for (const entry of batch) {
      if (!unreferenced.has(entry.sha256)) continue
      if (await blobs.collect(entry.sha256, { olderThan, isReferenced })) {
        deleted.push(entry.sha256)
        report.deleted++
        report.bytesFreed += entry.size
      }
    }
    await backend.releaseBlobs(deleted, olderThan)
    batch = []
  }
  for await (const entry of blobs.list()) {
    report.scanned++
    if (entry.modifiedAt < olderThan) batch.push(entry)
    if (batch.length >= 500) await flush()
  }
  await flush()
  report.leftoversRemoved = await blobs.sweep(olderThan)
  return report
}
