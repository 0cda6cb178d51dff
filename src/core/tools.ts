import type { ToolListSpec } from "./backend.js"
import { encodeJson, encodeMetadata } from "./codec.js"
import type { StoreContext } from "./context.js"
import { ConflictError, NotFoundError, ValidationError } from "./errors.js"
import { checkBytes } from "./limits.js"
import { decodePageToken, encodePageToken } from "./page-token.js"
import { type ToolRow, toTool } from "./rows.js"
import type {
  FinishToolInput,
  ListToolsQuery,
  Page,
  RecordToolInput,
  StartToolInput,
  ToolInvocation,
  ToolStatus,
} from "./types.js"
import {
  checkEnum,
  checkId,
  checkKeys,
  checkLimit,
  checkName,
  checkObject,
  checkTime,
  optionalId,
  optionalTime,
} from "./validation.js"

/** Tool invocations: one audit record per execution of a tool. */
export interface ToolsApi {
  /** Records that a tool started (`running`). Re-sending the same id returns the stored record. */
  start(input: StartToolInput): Promise<ToolInvocation>
  /** Finishes a running invocation as `succeeded`, `failed` or `cancelled`. */
  finish(id: string, input: FinishToolInput): Promise<ToolInvocation>
  /** Records an invocation that already finished, in one write. */
  record(input: RecordToolInput): Promise<ToolInvocation>
  /** Reads one invocation. */
  get(id: string): Promise<ToolInvocation>
  /** Lists invocations by session, plan, tool, status or time, newest first by default. */
  list(query?: ListToolsQuery): Promise<Page<ToolInvocation>>
  /** Deletes the invocations linked to a plan; returns how many. */
  deleteByPlan(planId: string): Promise<number>
}

const START_KEYS = [
  "tool",
  "id",
  "arguments",
  "sessionId",
  "planId",
  "changesetId",
  "changeIds",
  "resourceRefs",
  "providerMetadata",
  "startedAt",
]
const FINISH_KEYS = ["status", "result", "error", "finishedAt", "changeIds"]
const RECORD_KEYS = [...new Set([...START_KEYS, ...FINISH_KEYS])]
const FINAL: readonly Exclude<ToolStatus, "running">[] = ["succeeded", "failed", "cancelled"]

/** Builds the tool invocations API over one store context. */
export function createToolsApi(ctx: StoreContext): ToolsApi {
  const insert = async (row: ToolRow, checkExisting: boolean) =>
    toTool(await ctx.open().insertTool(row, { checkExisting }))

  return {
    async start(input) {
      checkKeys("input", checkObject("input", input), START_KEYS)
      return insert(startRow(ctx, input), input.id !== undefined)
    },

    async finish(id, input) {
      checkId("id", id)
      const finish = finishPatch(ctx, input)
      const row = await ctx.open().updateTool(ctx.namespace, id, (current) => {
        if (current.status !== "running") {
          throw new ConflictError(`tool invocation ${id} already finished as ${current.status}`, {
            id,
            status: current.status,
          })
        }
        const startedAt = Number(current.started_at)
        if (finish.finished_at !== undefined && finish.finished_at < startedAt) {
          throw new ValidationError("finishedAt", "is before startedAt")
        }
        const finishedAt = Math.max(finish.finished_at ?? ctx.clock(), startedAt)
        return {
          ...finish,
          finished_at: finishedAt,
          duration_ms: finishedAt - startedAt,
        }
      })
      if (!row) throw new NotFoundError("tool invocation", id)
      return toTool(row)
    },

    async record(input) {
      checkKeys("input", checkObject("input", input), RECORD_KEYS)
      const { status, result, error, finishedAt, changeIds, ...start } = input
      const row = startRow(ctx, { ...start, ...(changeIds === undefined ? {} : { changeIds }) })
      const finish = finishPatch(ctx, {
        status,
        ...(result === undefined ? {} : { result }),
        ...(error === undefined ? {} : { error }),
        ...(finishedAt === undefined ? {} : { finishedAt }),
      })
      const finished = finish.finished_at ?? ctx.clock()
      if (finished < row.started_at) throw new ValidationError("finishedAt", "is before startedAt")
      return insert(
        { ...row, ...finish, finished_at: finished, duration_ms: finished - row.started_at },
        input.id !== undefined,
      )
    },

    async get(id) {
      checkId("id", id)
      const row = await ctx.open().getTool(ctx.namespace, id)
      if (!row) throw new NotFoundError("tool invocation", id)
      return toTool(row)
    },

    async list(query = {}) {
      const spec = listSpec(query)
      const rows = await ctx.open().listTools(ctx.namespace, { ...spec, limit: spec.limit + 1 })
      const items = rows.slice(0, spec.limit).map(toTool)
      const page: Page<ToolInvocation> = { items, hasMore: rows.length > spec.limit }
      const last = rows[spec.limit - 1]
      if (page.hasMore && last) page.nextCursor = encodePageToken(Number(last.started_at), last.id)
      return page
    },

    async deleteByPlan(planId) {
      return ctx.open().deleteToolsByPlan(ctx.namespace, checkId("planId", planId))
    },
  }
}

function startRow(ctx: StoreContext, input: StartToolInput): ToolRow {
  return {
    namespace: ctx.namespace,
    id: input.id === undefined ? ctx.newId() : checkId("id", input.id),
    tool: checkName("tool", input.tool),
    status: "running",
    arguments: payload(ctx, "arguments", input.arguments) ?? "null",
    result: null,
    error: null,
    session_id: optionalId("sessionId", input.sessionId),
    plan_id: optionalId("planId", input.planId),
    changeset_id: optionalId("changesetId", input.changesetId),
    change_ids: changeIds(input.changeIds) ?? "[]",
    resource_refs:
      input.resourceRefs === undefined ? "[]" : encodeArray("resourceRefs", input.resourceRefs),
    provider_metadata: encodeMetadata(ctx, "providerMetadata", input.providerMetadata),
    started_at:
      input.startedAt === undefined ? ctx.clock() : checkTime("startedAt", input.startedAt),
    finished_at: null,
    duration_ms: null,
  }
}

/** A tool payload as stored JSON within `limits.eventBytes`; `null` when absent. */
function payload(ctx: StoreContext, field: string, value: unknown): string | null {
  if (value === undefined) return null
  return checkBytes(field, encodeJson(field, value), ctx.limits.eventBytes, "eventBytes")
}

function finishPatch(ctx: StoreContext, input: FinishToolInput) {
  checkKeys("input", checkObject("input", input), FINISH_KEYS)
  const status = checkEnum("status", input.status, FINAL)
  if (status === "failed" && input.error === undefined) {
    throw new ValidationError("error", "is required when status is failed")
  }
  if (status === "succeeded" && input.error !== undefined) {
    throw new ValidationError("error", "must be absent when status is succeeded")
  }
  const patch: Pick<ToolRow, "status" | "result" | "error"> & {
    finished_at?: number
    change_ids?: string
  } = {
    status,
    result: payload(ctx, "result", input.result),
    error: payload(ctx, "error", input.error),
  }
  const finishedAt = optionalTime("finishedAt", input.finishedAt)
  if (finishedAt !== undefined) patch.finished_at = finishedAt
  const ids = changeIds(input.changeIds)
  if (ids !== undefined) patch.change_ids = ids
  return patch
}

function changeIds(value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) throw new ValidationError("changeIds", "must be an array of ids")
  return JSON.stringify(value.map((id, i) => checkId(`changeIds[${i}]`, id)))
}

function encodeArray(field: string, value: unknown): string {
  if (!Array.isArray(value)) throw new ValidationError(field, "must be an array")
  return encodeJson(field, value)
}

function listSpec(query: ListToolsQuery): ToolListSpec {
  const keys = [
    "sessionId",
    "planId",
    "tool",
    "status",
    "since",
    "until",
    "limit",
    "cursor",
    "order",
  ]
  checkKeys("query", checkObject("query", query), keys)
  const spec: ToolListSpec = {
    order: checkEnum("order", query.order ?? "desc", ["asc", "desc"]),
    limit: checkLimit(query.limit, 50),
  }
  const sessionId = optionalId("sessionId", query.sessionId)
  const planId = optionalId("planId", query.planId)
  if (sessionId !== null) spec.sessionId = sessionId
  if (planId !== null) spec.planId = planId
  if (query.tool !== undefined) spec.tool = checkName("tool", query.tool)
  if (query.status !== undefined) {
    spec.status = checkEnum("status", query.status, ["running", ...FINAL])
  }
  const since = optionalTime("since", query.since)
  const until = optionalTime("until", query.until)
  if (since !== undefined) spec.since = since
  if (until !== undefined) spec.until = until
  if (query.cursor !== undefined) spec.after = decodePageToken("cursor", query.cursor)
  return spec
}
