import type { PlanStatus } from "../core/changeset-rows.js"
import type { ChangeOp } from "./types.js"

/** A plan: a reviewable set of file changes an agent proposes for a workspace. */
export interface Plan {
  id: string
  sessionId: string | null
  title: string
  /** A label for the workspace the plan is meant for (not a path the store trusts). */
  workspace: string | null
  status: PlanStatus
  /**
   * An apply has started and not finished: it is running now, or it was interrupted and the
   * workspace may hold part of the changes. Run `apply` again (same workspace) to finish it.
   */
  halfApplied: boolean
  createdAt: string
  updatedAt: string
  /** When the plan was applied, cancelled or failed. */
  finishedAt: string | null
}

/** One recorded change. Contents are in the blob store, addressed by hash. */
export interface Change {
  id: string
  planId: string
  /** Order within the plan, from 1. */
  seq: number
  path: string
  op: ChangeOp
  oldPath: string | null
  beforeSha256: string | null
  afterSha256: string | null
  beforeSize: number | null
  afterSize: number | null
  mode: number | null
  toolInvocationId: string | null
  createdAt: string
}

/** What `plans.create` takes. */
export interface CreatePlanInput {
  sessionId?: string
  title: string
  workspace?: string
  /** Caller-chosen id; generated when absent. */
  id?: string
}

/** Content given inline (stored in the blob store) or by the hash of a blob already stored. */
export type ContentInput = Uint8Array | string

/**
 * A change to record. `create` needs `after`; `modify` needs `before` and `after`; `delete`
 * needs `before`; `rename` needs `oldPath` and `before` (`after` defaults to `before`). Each
 * content may instead be given as `beforeSha256` / `afterSha256` of a stored blob.
 */
export interface ChangeInput {
  path: string
  op: ChangeOp
  oldPath?: string
  before?: ContentInput
  after?: ContentInput
  beforeSha256?: string
  afterSha256?: string
  /** Permission bits after the change, e.g. `0o755`. */
  mode?: number
  toolInvocationId?: string
}

/** What `plans.list` takes. */
export interface ListPlansQuery {
  sessionId?: string
  status?: PlanStatus
  /** Only plans whose apply started and did not finish (`true`), or only the others (`false`). */
  halfApplied?: boolean
  limit?: number
  cursor?: string
  order?: "asc" | "desc"
}

/** What cancel and a failed apply removed. */
export interface CleanupReport {
  /** Change entries deleted. */
  changes: number
  /** Blobs deleted because only those entries referenced them. */
  blobs: string[]
  bytesFreed: number
}
