import type { ChangeOp } from "../changesets/types.js"

/** Every status a plan can have. */
export const PLAN_STATUSES = ["executing", "ready", "applied", "cancelled", "failed"] as const

/** Where a plan is in its life. */
export type PlanStatus = (typeof PLAN_STATUSES)[number]

/** A plan as stored. Times are epoch ms. */
export interface PlanRow {
  namespace: string
  id: string
  session_id: string | null
  title: string
  workspace: string | null
  status: PlanStatus
  changeset_id: string
  /** JSON of an apply in progress (see `ApplyJournal`), else `null`. */
  apply_journal: string | null
  created_at: number
  updated_at: number
  finished_at: number | null
}

/** One recorded change as stored. */
export interface ChangeRow {
  namespace: string
  id: string
  plan_id: string
  changeset_id: string
  seq: number
  path: string
  op: ChangeOp
  old_path: string | null
  before_sha256: string | null
  after_sha256: string | null
  before_size: number | null
  after_size: number | null
  mode: number | null
  tool_invocation_id: string | null
  created_at: number
}

/** Columns of a plan a read-modify-write may change. */
export type PlanPatch = Partial<
  Pick<PlanRow, "status" | "apply_journal" | "updated_at" | "finished_at">
>

/** A validated plan listing. */
export interface PlanListSpec {
  sessionId?: string
  status?: PlanStatus
  /** Only plans with (`true`) or without (`false`) an apply journal. */
  halfApplied?: boolean
  order: "asc" | "desc"
  limit: number
  after?: { time: number; id: string }
}

/** Plans and change entries: the changeset method group of the Backend contract. */
export interface ChangesetOps {
  /** Inserts a plan; an existing id is a `ConflictError`, an unknown session a `ValidationError`. */
  insertPlan(row: PlanRow): Promise<PlanRow>
  getPlan(ns: string, id: string): Promise<PlanRow | undefined>
  listPlans(ns: string, spec: PlanListSpec): Promise<PlanRow[]>
  /** Reads the plan, applies `change` (which may throw) and writes the patch, atomically. */
  updatePlan(
    ns: string,
    id: string,
    change: (current: PlanRow) => PlanPatch,
  ): Promise<PlanRow | undefined>
  /**
   * Appends change rows after the plan's last `seq` in one transaction, once `check` accepts the
   * plan as it is inside that transaction. `undefined` when the plan does not exist.
   */
  appendChanges(
    ns: string,
    planId: string,
    rows: Omit<ChangeRow, "seq">[],
    check: (plan: PlanRow) => void,
  ): Promise<ChangeRow[] | undefined>
  /** A plan's change rows in `seq` order, optionally only those touching `path` (or old path). */
  listChanges(ns: string, planId: string, path?: string): Promise<ChangeRow[]>
  /**
   * Deletes a plan's change rows and patches the plan, atomically, once `change` accepts it.
   * Returns the deleted rows, or `undefined` when the plan does not exist.
   */
  discardChanges(
    ns: string,
    planId: string,
    change: (current: PlanRow) => PlanPatch,
  ): Promise<{ plan: PlanRow; removed: ChangeRow[] } | undefined>
}
