import { type DiffFile, diffFile } from "./diff.js"
import type { ChangeContent, ChangeOp } from "./types.js"

/** Totals of a plan's net changes. */
export interface ChangeSummary {
  /** Paths changed (after netting). */
  files: number
  byOp: Record<ChangeOp, number>
  linesAdded: number
  linesRemoved: number
  /** Total size of the contents before and after, in bytes. */
  bytesBefore: number
  bytesAfter: number
  /** Paths whose content is binary (no line counts). */
  binaryFiles: number
}

/**
 * Counts net changes by op, lines added and removed (text files), and bytes.
 * @example
 * summarizeChanges(contents).linesAdded
 */
export function summarizeChanges(
  changes: readonly ChangeContent[],
  diffs?: readonly DiffFile[],
): ChangeSummary {
  const summary: ChangeSummary = {
    files: changes.length,
    byOp: { create: 0, modify: 0, delete: 0, rename: 0 },
    linesAdded: 0,
    linesRemoved: 0,
    bytesBefore: 0,
    bytesAfter: 0,
    binaryFiles: 0,
  }
  changes.forEach((change, i) => {
    summary.byOp[change.op]++
    summary.bytesBefore += change.before?.byteLength ?? 0
    summary.bytesAfter += change.after?.byteLength ?? 0
    const diff = diffs?.[i] ?? diffFile(change)
    if (diff.binary) summary.binaryFiles++
    summary.linesAdded += diff.added
    summary.linesRemoved += diff.removed
  })
  return summary
}
