import type { PlanRow, PlanStatus } from "../core/changeset-rows.js"
import type { StoreContext } from "../core/context.js"
import { AgentStoreError, ConflictError, IntegrityError, NotFoundError } from "../core/errors.js"
import { type ApplyJournal, type ApplyReport, applyChanges, type JournalRecord } from "./apply.js"
import { netChanges } from "./net.js"
import { toPlan, toRef } from "./plan-rows.js"
import type { CleanupReport, Plan } from "./plan-types.js"

/** Options of `plans.apply`. */
export interface PlanApplyOptions {
  dryRun?: boolean
  force?: boolean
}

/**
 * Applies a plan's net changes with the journal kept in the plan's row: saved before the first
 * write, cleared in the same transaction that marks the plan `applied`. A failed write restores
 * the workspace, marks the plan `failed` and removes its entries.
 */
export async function applyPlan(
  ctx: StoreContext,
  plan: PlanRow,
  workspaceDir: string,
  options: PlanApplyOptions,
): Promise<ApplyReport & { plan: Plan }> {
  requirePlan(plan, options.dryRun ? ["executing", "ready"] : ["ready"])
  const rows = await ctx.open().listChanges(ctx.namespace, plan.id)
  let writeFailed = false
  const journal = rowJournal(ctx, plan, () => {
    writeFailed = true
  })
  try {
    const report = await applyChanges(workspaceDir, netChanges(rows.map(toRef)), {
      ...options,
      content: (sha) => ctx.blobs.get(sha),
      journal,
    })
    const after = await ctx.open().getPlan(ctx.namespace, plan.id)
    return { ...report, plan: toPlan(after ?? plan) }
  } catch (error) {
    if (!writeFailed) throw error
    const removed = await cleanupPlan(ctx, plan.id, "failed", ["ready"])
    throw new AgentStoreError(
      "INTERNAL",
      `applying plan ${plan.id} failed; the workspace was restored and the plan marked failed`,
      { id: plan.id, removed: removed.removed },
      error,
    )
  }
}

/** The apply journal kept in the plan's row; `onAbort` hears of a failed, rolled-back apply. */
function rowJournal(ctx: StoreContext, plan: PlanRow, onAbort: () => void): ApplyJournal {
  const update = async (change: (current: PlanRow) => Partial<PlanRow>) => {
    const row = await ctx.open().updatePlan(ctx.namespace, plan.id, change)
    if (!row) throw new NotFoundError("plan", plan.id)
  }
  return {
    load: async () => parseJournal(plan),
    save: (record) =>
      update((current) => {
        requirePlan(current, ["ready"])
        if (current.apply_journal !== null) {
          throw new ConflictError(`plan ${plan.id} is being applied`, { id: plan.id })
        }
        return { apply_journal: JSON.stringify(record), updated_at: ctx.clock() }
      }),
    finish: () => {
      const now = ctx.clock()
      return update(() => ({
        status: "applied",
        apply_journal: null,
        finished_at: now,
        updated_at: now,
      }))
    },
    abort: () => {
      onAbort()
      return update(() => ({ apply_journal: null }))
    },
  }
}

function parseJournal(plan: PlanRow): JournalRecord | undefined {
  if (plan.apply_journal === null) return undefined
  try {
    return JSON.parse(plan.apply_journal) as JournalRecord
  } catch (cause) {
    throw new IntegrityError(
      `the apply journal of plan ${plan.id} is corrupt`,
      { id: plan.id },
      cause,
    )
  }
}

/** Throws `ConflictError` unless the plan is in one of `allowed`. */
export function requirePlan(plan: PlanRow, allowed: readonly PlanStatus[]): void {
  if (!allowed.includes(plan.status)) {
    throw new ConflictError(`plan ${plan.id} is ${plan.status}, not ${allowed.join(" or ")}`, {
      id: plan.id,
      status: plan.status,
    })
  }
}

/**
 * Ends a plan as `cancelled` or `failed`: deletes its change entries and sets the status in one
 * transaction, then collects the blobs no remaining row (artifact ref, other plan) references.
 * Tool invocation records are kept.
 */
export async function cleanupPlan(
  ctx: StoreContext,
  planId: string,
  status: PlanStatus,
  allowed: readonly PlanStatus[],
): Promise<{ plan: Plan; removed: CleanupReport }> {
  const now = ctx.clock()
  const result = await ctx.open().discardChanges(ctx.namespace, planId, (current) => {
    requirePlan(current, allowed)
    if (current.apply_journal !== null && status === "cancelled") {
      throw new ConflictError(
        `plan ${planId} has an interrupted apply; run apply again to finish it`,
        {
          id: planId,
        },
      )
    }
    return { status, apply_journal: null, finished_at: now, updated_at: now }
  })
  if (!result) throw new NotFoundError("plan", planId)
  const hashes = new Set<string>()
  for (const row of result.removed) {
    if (row.before_sha256) hashes.add(row.before_sha256)
    if (row.after_sha256) hashes.add(row.after_sha256)
  }
  const backend = ctx.open()
  const isReferenced = async (sha: string) => (await backend.unreferencedBlobs([sha])).length === 0
  const report: CleanupReport = { changes: result.removed.length, blobs: [], bytesFreed: 0 }
  const startedAt = Date.now()
  for (const sha of await backend.unreferencedBlobs([...hashes])) {
    const stat = await ctx.blobs.stat(sha)
    if (await ctx.blobs.collect(sha, { olderThan: Number.MAX_SAFE_INTEGER, isReferenced })) {
      report.blobs.push(sha)
      report.bytesFreed += stat?.size ?? 0
    }
  }
  await backend.releaseBlobs(report.blobs, startedAt)
  return { plan: toPlan(result.plan), removed: report }
}
