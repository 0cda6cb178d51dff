import { createHash } from "node:crypto"

const READABLE_ID = /^[A-Za-z0-9_][A-Za-z0-9._:@+=-]{0,195}$/

/** Event kinds the saver writes. */
export const KINDS = {
  namespace: "checkpoint_ns",
  checkpoint: "checkpoint",
  blob: "checkpoint_blob",
  write: "checkpoint_write",
} as const

function digest(parts: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 40)
}

/**
 * The session that holds one thread: `lg:<thread_id>` when the thread id is itself a valid
 * record id (so the CLI shows it as is), else `lgh:<hash>`. The two forms cannot collide.
 */
export function threadSessionId(threadId: string): string {
  return READABLE_ID.test(threadId) ? `lg:${threadId}` : `lgh:${digest([threadId])}`
}

/** The event that anchors one `(thread, checkpoint_ns)`: the parent of its checkpoints. */
export function namespaceEventId(threadId: string, ns: string): string {
  return `lgn.${digest([threadId, ns])}`
}

/** The event of one checkpoint: `put` of the same checkpoint twice stores it once. */
export function checkpointEventId(threadId: string, ns: string, checkpointId: string): string {
  return `lgc.${digest([threadId, ns, checkpointId])}`
}

/** The event holding one channel's value at one version (shared by the checkpoints that use it). */
export function blobEventId(
  threadId: string,
  ns: string,
  channel: string,
  version: string,
): string {
  return `lgb.${digest([threadId, ns, channel, version])}`
}

/** The event of one regular pending write: a re-sent write is stored once. */
export function writeEventId(
  threadId: string,
  ns: string,
  checkpointId: string,
  taskId: string,
  idx: number,
): string {
  return `lgw.${digest([threadId, ns, checkpointId, taskId, String(idx)])}`
}
