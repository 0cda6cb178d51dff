import type { SessionListSpec } from "./backend.js"
import { checkMetadataBytes, encodeMetadata } from "./codec.js"
import type { StoreContext } from "./context.js"
import { NotFoundError, ValidationError } from "./errors.js"
import { decodePageToken, encodePageToken } from "./page-token.js"
import { type SessionRow, toSession } from "./rows.js"
import type {
  CreateSessionInput,
  JsonObject,
  ListSessionsQuery,
  Page,
  Session,
  UpdateSessionInput,
  UsageInput,
} from "./types.js"
import {
  checkEnum,
  checkId,
  checkInt,
  checkKeys,
  checkLimit,
  checkName,
  checkObject,
  checkTitle,
  checkUsage,
  optionalTime,
} from "./validation.js"

/** Sessions: one conversation or run of one agent, with cumulative token usage. */
export interface SessionsApi {
  /** Creates a session; its `number` is the agent's previous maximum + 1. */
  create(input: CreateSessionInput): Promise<Session>
  /** Reads a session; `NotFoundError` when it does not exist. */
  get(id: string): Promise<Session>
  /** Lists sessions with filters, keyset (`cursor`) or offset pagination. */
  list(query?: ListSessionsQuery): Promise<Page<Session>>
  /** Changes the title and/or metadata (merged by top-level key unless `replaceMetadata`). */
  update(id: string, input: UpdateSessionInput): Promise<Session>
  /** Deletes a session with its messages, events and tool invocations. */
  delete(id: string): Promise<void>
  /** Adds token usage to the session's running totals. */
  addUsage(id: string, usage: UsageInput): Promise<Session>
}

const CREATE_KEYS = ["agent", "id", "title", "metadata"] as const
const LIST_KEYS = [
  "agent",
  "createdSince",
  "createdUntil",
  "updatedSince",
  "updatedUntil",
  "metadata",
  "orderBy",
  "order",
  "limit",
  "offset",
  "cursor",
  "total",
] as const

/** Builds the sessions API over one store context. */
export function createSessionsApi(ctx: StoreContext): SessionsApi {
  const get = async (id: string): Promise<Session> => {
    checkId("id", id)
    const row = await ctx.open().getSession(ctx.namespace, id)
    if (!row) throw new NotFoundError("session", id)
    return toSession(row)
  }

  const change = async (
    id: string,
    patch: (row: SessionRow, now: number) => Partial<SessionRow>,
  ): Promise<Session> => {
    checkId("id", id)
    const now = ctx.clock()
    const row = await ctx.open().updateSession(ctx.namespace, id, (current) => ({
      ...patch(current, now),
      updated_at: Math.max(now, current.updated_at),
    }))
    if (!row) throw new NotFoundError("session", id)
    return toSession(row)
  }

  return {
    async create(input) {
      const fields = checkObject("input", input)
      checkKeys("input", fields, CREATE_KEYS)
      const now = ctx.clock()
      const row = await ctx.open().insertSession({
        namespace: ctx.namespace,
        id: input.id === undefined ? ctx.newId() : checkId("id", input.id),
        agent: checkName("agent", input.agent),
        title:
          input.title === undefined || input.title === null
            ? null
            : checkTitle("title", input.title),
        metadata: encodeMetadata(ctx, "metadata", input.metadata),
        input_tokens: 0,
        output_tokens: 0,
        total_tokens: 0,
        usage_extra: "{}",
        message_count: 0,
        last_sequence: 0,
        created_at: now,
        updated_at: now,
      })
      return toSession(row)
    },

    get,

    async list(query = {}) {
      const spec = listSpec(query)
      const shown = spec.limit
      const { rows, total } = await ctx
        .open()
        .listSessions(ctx.namespace, { ...spec, limit: shown + 1 })
      const items = rows.slice(0, shown).map(toSession)
      const page: Page<Session> = { items, hasMore: rows.length > shown }
      const last = rows[shown - 1]
      if (page.hasMore && last) page.nextCursor = encodePageToken(last[spec.orderBy], last.id)
      if (total !== undefined) page.total = total
      return page
    },

    async update(id, input) {
      const fields = checkObject("input", input)
      checkKeys("input", fields, ["title", "metadata", "replaceMetadata"])
      const title =
        input.title === undefined || input.title === null
          ? input.title
          : checkTitle("title", input.title)
      const metadata =
        input.metadata === undefined ? undefined : encodeMetadata(ctx, "metadata", input.metadata)
      const replace = optionalBoolean("replaceMetadata", input.replaceMetadata)
      return change(id, (current) => {
        const patch: Partial<SessionRow> = {}
        if (title !== undefined) patch.title = title
        if (metadata !== undefined) {
          patch.metadata = replace
            ? metadata
            : checkMetadataBytes(
                ctx,
                "metadata",
                JSON.stringify({
                  ...(toSession(current).metadata as JsonObject),
                  ...JSON.parse(metadata),
                }),
              )
        }
        return patch
      })
    },

    async delete(id) {
      checkId("id", id)
      if (!(await ctx.open().deleteSession(ctx.namespace, id)))
        throw new NotFoundError("session", id)
    },

    async addUsage(id, usage) {
      const add = checkUsage("usage", usage)
      return change(id, (current) => {
        const extra = toSession(current).usage.extra
        for (const [name, value] of Object.entries(add.extra)) {
          extra[name] = checkSum(`usage.extra.${name}`, (extra[name] ?? 0) + value)
        }
        return {
          input_tokens: checkSum("usage.input", Number(current.input_tokens) + add.input),
          output_tokens: checkSum("usage.output", Number(current.output_tokens) + add.output),
          total_tokens: checkSum("usage.total", Number(current.total_tokens) + add.total),
          usage_extra: JSON.stringify(extra),
        }
      })
    },
  }
}

function optionalBoolean(field: string, value: unknown): boolean {
  if (value !== undefined && typeof value !== "boolean") {
    throw new ValidationError(field, "must be true or false")
  }
  return value === true
}

function checkSum(field: string, value: number): number {
  return checkInt(field, value, 0, Number.MAX_SAFE_INTEGER)
}

function listSpec(query: ListSessionsQuery): SessionListSpec {
  checkKeys("query", checkObject("query", query), LIST_KEYS)
  const orderBy = checkEnum("orderBy", query.orderBy ?? "createdAt", ["createdAt", "updatedAt"])
  const spec: SessionListSpec = {
    metadata: [],
    orderBy: orderBy === "createdAt" ? "created_at" : "updated_at",
    order: checkEnum("order", query.order ?? "desc", ["asc", "desc"]),
    limit: checkLimit(query.limit, 50),
    offset: query.offset === undefined ? 0 : checkInt("offset", query.offset, 0, 1_000_000),
    total: optionalBoolean("total", query.total),
  }
  if (query.agent !== undefined) spec.agent = checkName("agent", query.agent)
  const times = ["createdSince", "createdUntil", "updatedSince", "updatedUntil"] as const
  for (const key of times) {
    const ms = optionalTime(key, query[key])
    if (ms !== undefined) spec[key] = ms
  }
  if (query.metadata !== undefined) {
    for (const [key, value] of Object.entries(checkObject("metadata", query.metadata))) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(key)) {
        throw new ValidationError(`metadata.${key}`, "filter keys are 1-64 letters, digits, _ or -")
      }
      const type = value === null ? "null" : typeof value
      if (!["string", "number", "boolean", "null"].includes(type)) {
        throw new ValidationError(
          `metadata.${key}`,
          "filters compare strings, numbers, booleans or null",
        )
      }
      if (typeof value === "number" && !Number.isFinite(value)) {
        throw new ValidationError(`metadata.${key}`, "must be a finite number")
      }
      spec.metadata.push([key, value as string | number | boolean | null])
    }
  }
  if (query.cursor !== undefined) {
    if (query.offset !== undefined)
      throw new ValidationError("cursor", "cannot be combined with offset")
    spec.after = decodePageToken("cursor", query.cursor)
  }
  return spec
}
