import type { ChangeRow, PlanRow } from "../core/changeset-rows.js"
import { iso } from "../core/rows.js"
import type { Change, Plan } from "./plan-types.js"
import type { ChangeRef } from "./types.js"

/** A stored plan as a record. */
export function toPlan(row: PlanRow): Plan {
  return {
    id: row.id,
    sessionId: row.session_id,
    title: row.title,
    workspace: row.workspace,
    status: row.status,
    halfApplied: row.apply_journal !== null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    finishedAt: row.finished_at === null ? null : iso(row.finished_at),
  }
}

/** A stored change as a record. */
export function toChange(row: ChangeRow): Change {
  const num = (v: number | bigint | null) => (v === null ? null : Number(v))
  return {
    id: row.id,
    planId: row.plan_id,
    seq: Number(row.seq),
    path: row.path,
    op: row.op,
    oldPath: row.old_path,
    beforeSha256: row.before_sha256,
    afterSha256: row.after_sha256,
    beforeSize: num(row.before_size),
    afterSize: num(row.after_size),
    mode: num(row.mode),
    toolInvocationId: row.tool_invocation_id,
    createdAt: iso(row.created_at),
  }
}

/** A stored change reduced to what netting and applying need. */
export function toRef(row: ChangeRow): ChangeRef {
  return {
    path: row.path,
    op: row.op,
    oldPath: row.old_path,
    beforeSha256: row.before_sha256,
    afterSha256: row.after_sha256,
    mode: row.mode === null ? null : Number(row.mode),
  }
}
