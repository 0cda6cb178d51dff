import type { BlobStore } from "../artifacts/blob-store.js"
import {
  type ChangeRow,
  PLAN_STATUSES,
  type PlanListSpec,
  type PlanRow,
} from "../core/changeset-rows.js"
import type { StoreContext } from "../core/context.js"
import { NotFoundError, ValidationError } from "../core/errors.js"
import { decodePageToken, encodePageToken } from "../core/page-token.js"
import type { Page } from "../core/types.js"
import {
  checkEnum,
  checkId,
  checkKeys,
  checkLimit,
  checkObject,
  checkTitle,
  optionalId,
  optionalName,
} from "../core/validation.js"
import type { ApplyReport } from "./apply.js"
import { type DiffFile, diffFile } from "./diff.js"
import { netChanges } from "./net.js"
import { normalizePath } from "./paths.js"
import { applyPlan, cleanupPlan, type PlanApplyOptions, requirePlan } from "./plan-apply.js"
import { type CheckedChange, checkChanges, type Side } from "./plan-input.js"
import { toChange, toPlan, toRef } from "./plan-rows.js"
import type {
  Change,
  ChangeInput,
  CleanupReport,
  CreatePlanInput,
  ListPlansQuery,
  Plan,
} from "./plan-types.js"
import { mapPool } from "./pool.js"
import { type ChangeSummary, summarizeChanges } from "./summarize.js"
import type { ChangeContent } from "./types.js"
import { formatUnified } from "./unified.js"

/** Options of `plans.diff`. */
export interface PlanDiffOptions {
  format?: "unified" | "structured"
  /** Only these paths (after netting). */
  paths?: string[]
}

/** Plans: recorded file changes, reviewed as diffs, then applied to a workspace or discarded. */
export interface PlansApi {
  /** Starts a plan in status `executing`. */
  create(input: CreatePlanInput): Promise<Plan>
  get(id: string): Promise<Plan>
  /** Lists plans by session or status, newest first by default. */
  list(query?: ListPlansQuery): Promise<Page<Plan>>
  /** `executing` → `ready`: recording is over, the plan awaits review. */
  markReady(id: string): Promise<Plan>
  /** Records changes (contents go to the blob store by hash) while the plan is `executing`. */
  record(planId: string, changes: ChangeInput | readonly ChangeInput[]): Promise<Change[]>
  /** The recorded entries in order, optionally only those touching `path`. */
  entries(query: { planId: string; path?: string }): Promise<Change[]>
  /** Counts by op, lines added/removed and bytes, over the net changes. */
  summarize(planId: string): Promise<ChangeSummary>
  /** The net diff: unified text with git-style headers, or files → hunks → lines. */
  diff(planId: string, options?: PlanDiffOptions & { format?: "unified" }): Promise<string>
  diff(planId: string, options: PlanDiffOptions & { format: "structured" }): Promise<DiffFile[]>
  /** Applies the net changes to a workspace directory (see `docs/changesets.md`). */
  apply(
    planId: string,
    workspaceDir: string,
    options?: PlanApplyOptions,
  ): Promise<ApplyReport & { plan: Plan }>
  /** Cancels a plan: removes its entries and the blobs only they referenced. */
  cancel(planId: string): Promise<{ plan: Plan; removed: CleanupReport }>
}

/** Builds the plans API over one store context. */
export function createPlansApi(ctx: StoreContext): PlansApi {
  const getRow = async (id: string): Promise<PlanRow> => {
    const row = await ctx.open().getPlan(ctx.namespace, checkId("id", id))
    if (!row) throw new NotFoundError("plan", id)
    return row
  }
  const netContents = async (planId: string): Promise<ChangeContent[]> => {
    await getRow(planId)
    const rows = await ctx.open().listChanges(ctx.namespace, planId)
    return loadContents(ctx.blobs, rows)
  }

  const api: PlansApi = {
    async create(input) {
      checkKeys("input", checkObject("input", input), ["sessionId", "title", "workspace", "id"])
      const now = ctx.clock()
      const title = checkTitle("title", input.title)
      if (title.length === 0) throw new ValidationError("title", "must not be empty")
      const row: PlanRow = {
        namespace: ctx.namespace,
        id: input.id === undefined ? ctx.newId() : checkId("id", input.id),
        session_id: optionalId("sessionId", input.sessionId),
        title,
        workspace: optionalName("workspace", input.workspace, 1024),
        status: "executing",
        changeset_id: ctx.newId(),
        apply_journal: null,
        created_at: now,
        updated_at: now,
        finished_at: null,
      }
      return toPlan(await ctx.open().insertPlan(row))
    },

    async get(id) {
      return toPlan(await getRow(id))
    },

    async list(query = {}) {
      const spec = listSpec(query)
      const rows = await ctx.open().listPlans(ctx.namespace, { ...spec, limit: spec.limit + 1 })
      const page: Page<Plan> = {
        items: rows.slice(0, spec.limit).map(toPlan),
        hasMore: rows.length > spec.limit,
      }
      const last = rows[spec.limit - 1]
      if (page.hasMore && last) page.nextCursor = encodePageToken(Number(last.created_at), last.id)
      return page
    },

    async markReady(id) {
      checkId("id", id)
      const row = await ctx.open().updatePlan(ctx.namespace, id, (current) => {
        requirePlan(current, ["executing", "ready"])
        return current.status === "ready" ? {} : { status: "ready", updated_at: ctx.clock() }
      })
      if (!row) throw new NotFoundError("plan", id)
      return toPlan(row)
    },

    async record(planId, input) {
      checkId("planId", planId)
      const checked = checkChanges(input)
      const plan = await getRow(planId)
      requirePlan(plan, ["executing"])
      const rows = await storeContents(ctx, plan, checked)
      const stored = await ctx
        .open()
        .appendChanges(ctx.namespace, planId, rows, (current) =>
          requirePlan(current, ["executing"]),
        )
      if (!stored) throw new NotFoundError("plan", planId)
      await restoreCollected(ctx.blobs, checked, stored)
      return stored.map(toChange)
    },

    async entries(query) {
      checkKeys("query", checkObject("query", query), ["planId", "path"])
      const planId = checkId("planId", query.planId)
      await getRow(planId)
      const path = query.path === undefined ? undefined : normalizePath("path", query.path)
      return (await ctx.open().listChanges(ctx.namespace, planId, path)).map(toChange)
    },

    async summarize(planId) {
      return summarizeChanges(await netContents(planId))
    },

    async diff(planId: string, options: PlanDiffOptions = {}): Promise<never> {
      checkKeys("options", checkObject("options", options), ["format", "paths"])
      const format = checkEnum("format", options.format ?? "unified", ["unified", "structured"])
      const only = options.paths?.map((p, i) => normalizePath(`paths[${i}]`, p))
      const contents = (await netContents(planId)).filter(
        (c) => !only || only.includes(c.path) || (c.oldPath !== null && only.includes(c.oldPath)),
      )
      const files = contents.map(diffFile)
      return (format === "unified" ? formatUnified(files) : files) as never
    },

    async apply(planId, workspaceDir, options = {}) {
      checkKeys("options", checkObject("options", options), ["dryRun", "force"])
      const plan = await getRow(planId)
      return applyPlan(ctx, plan, workspaceDir, options)
    },

    async cancel(planId) {
      checkId("planId", planId)
      return cleanupPlan(ctx, planId, "cancelled", ["executing", "ready"])
    },
  }
  return api
}

async function storeContents(
  ctx: StoreContext,
  plan: PlanRow,
  changes: CheckedChange[],
): Promise<Omit<ChangeRow, "seq">[]> {
  const now = ctx.clock()
  const sides = changes.flatMap(
    (c, i) =>
      [
        [`changes[${i}].before`, c.before],
        [`changes[${i}].after`, c.after],
      ] as const,
  )
  const named = sides.flatMap(([, side]) => (side && "sha256" in side ? [side.sha256] : []))
  const owned = new Set(await ctx.open().ownedBlobs(ctx.namespace, named))
  const stored = await mapPool(sides, 8, ([field, side]) =>
    storeSide(ctx.blobs, field, side, owned),
  )
  const put = sides.flatMap(([, side], i) => (side && "bytes" in side ? [stored[i]?.sha256] : []))
  await ctx.open().claimBlobs(ctx.namespace, put as string[], Date.now())
  return changes.map((change, i) => {
    const before = stored[2 * i]
    const after = stored[2 * i + 1]
    return {
      namespace: ctx.namespace,
      id: ctx.newId(),
      plan_id: plan.id,
      changeset_id: plan.changeset_id,
      path: change.path,
      op: change.op,
      old_path: change.oldPath,
      before_sha256: before?.sha256 ?? null,
      after_sha256: after?.sha256 ?? null,
      before_size: before?.size ?? null,
      after_size: after?.size ?? null,
      mode: change.mode,
      tool_invocation_id: change.toolInvocationId,
      created_at: now,
    }
  })
}

/**
 * Puts inline bytes, or looks up a blob named by hash. A hash the namespace never stored itself
 * gets the same answer as one stored nowhere: another namespace's bytes stay unreadable, and
 * whether they exist cannot be learnt.
 */
async function storeSide(
  blobs: BlobStore,
  field: string,
  side: Side,
  owned: ReadonlySet<string>,
): Promise<{ sha256: string; size: number } | null> {
  if (side === null) return null
  if ("bytes" in side) return blobs.put(side.bytes)
  const stat = owned.has(side.sha256) ? await blobs.stat(side.sha256) : undefined
  if (!stat)
    throw new ValidationError(`${field}Sha256`, "names no stored blob", { sha256: side.sha256 })
  return { sha256: side.sha256, size: stat.size }
}

/** A cancel racing this record may have collected a blob between put and insert: put it back. */
async function restoreCollected(
  blobs: BlobStore,
  changes: CheckedChange[],
  rows: ChangeRow[],
): Promise<void> {
  for (const [i, change] of changes.entries()) {
    const row = rows[i] as ChangeRow
    for (const [side, sha] of [
      [change.before, row.before_sha256],
      [change.after, row.after_sha256],
    ] as const) {
      if (side && "bytes" in side && sha && !(await blobs.has(sha))) await blobs.put(side.bytes)
    }
  }
}

async function loadContents(blobs: BlobStore, rows: ChangeRow[]): Promise<ChangeContent[]> {
  const refs = netChanges(rows.map(toRef))
  const hashes = [...new Set(refs.flatMap((r) => [r.beforeSha256, r.afterSha256]))].filter(
    (h): h is string => h !== null,
  )
  const bytes = await mapPool(hashes, 8, (sha) => blobs.get(sha))
  const byHash = new Map(hashes.map((sha, i) => [sha, bytes[i] as Uint8Array]))
  const read = (sha: string | null) => (sha === null ? null : (byHash.get(sha) as Uint8Array))
  return refs.map((ref) => ({
    ...ref,
    before: read(ref.beforeSha256),
    after: read(ref.afterSha256),
  }))
}

function listSpec(query: ListPlansQuery): PlanListSpec {
  checkKeys("query", checkObject("query", query), [
    "sessionId",
    "status",
    "halfApplied",
    "limit",
    "cursor",
    "order",
  ])
  const spec: PlanListSpec = {
    order: checkEnum("order", query.order ?? "desc", ["asc", "desc"]),
    limit: checkLimit(query.limit, 50),
  }
  const sessionId = optionalId("sessionId", query.sessionId)
  if (sessionId !== null) spec.sessionId = sessionId
  if (query.status !== undefined) {
    spec.status = checkEnum("status", query.status, PLAN_STATUSES)
  }
  if (query.halfApplied !== undefined) {
    if (typeof query.halfApplied !== "boolean") {
      throw new ValidationError("halfApplied", "must be a boolean")
    }
    spec.halfApplied = query.halfApplied
  }
  if (query.cursor !== undefined) spec.after = decodePageToken("cursor", query.cursor)
  return spec
}
