import type { MessageListSpec } from "./backend.js"
import { encodeJson, encodeMetadata } from "./codec.js"
import type { StoreContext } from "./context.js"
import { NotFoundError, ValidationError } from "./errors.js"
import { checkBytes } from "./limits.js"
import { type MessageRow, toMessage } from "./rows.js"
import type {
  AppendMessagesOptions,
  ListMessagesQuery,
  Message,
  MessageInput,
  MessagePage,
  ReplaceMessagesOptions,
} from "./types.js"
import {
  checkEnum,
  checkId,
  checkInt,
  checkKeys,
  checkLimit,
  checkName,
  checkObject,
  checkUsage,
  MAX_LIMIT,
  optionalId,
  optionalName,
} from "./validation.js"

/** Messages: a session's ordered transcript, sequences 1..n assigned by the store. */
export interface MessagesApi {
  /** Appends one message; see `appendMany`. */
  append(
    sessionId: string,
    message: MessageInput,
    options?: AppendMessagesOptions,
  ): Promise<Message>
  /** Appends messages in one transaction; re-sending the same ids returns the stored ones. */
  appendMany(
    sessionId: string,
    messages: MessageInput[],
    options?: AppendMessagesOptions,
  ): Promise<Message[]>
  /** Lists a page of the transcript (`latest: N` gives the newest N, oldest first). */
  list(sessionId: string, query?: ListMessagesQuery): Promise<MessagePage>
  /** Reads one message by id. */
  get(id: string): Promise<Message>
  /** How many messages the session holds. */
  count(sessionId: string): Promise<number>
  /** Removes every message after `sequence`; returns the removed ones, oldest first. */
  truncate(sessionId: string, afterSequence: number): Promise<Message[]>
  /** Removes and returns the last message, or `null` when the session is empty. */
  pop(sessionId: string): Promise<Message | null>
  /**
   * Replaces every message after `afterSequence` with `messages` (which may be empty) in one
   * transaction, only while the session is still at `options.expectedSequence`; otherwise
   * `ConflictError` and nothing changes. Returns the new messages. Rewrites a transcript's tail
   * (an edited turn, a compaction) without a moment where it is cut but not yet rewritten.
   */
  replace(
    sessionId: string,
    afterSequence: number,
    messages: MessageInput[],
    options: ReplaceMessagesOptions,
  ): Promise<Message[]>
}

const MESSAGE_KEYS = ["role", "content", "id", "name", "toolCallId", "usage", "metadata"] as const
const MAX_SEQUENCE = Number.MAX_SAFE_INTEGER

/** Builds the messages API over one store context. */
export function createMessagesApi(ctx: StoreContext): MessagesApi {
  const appendMany = async (
    sessionId: string,
    messages: MessageInput[],
    options: AppendMessagesOptions = {},
  ): Promise<Message[]> => {
    checkId("sessionId", sessionId)
    if (!Array.isArray(messages) || messages.length === 0) {
      throw new ValidationError("messages", "must be a non-empty array")
    }
    checkKeys("options", checkObject("options", options), ["expectedSequence"])
    const expectedSequence =
      options.expectedSequence === undefined
        ? undefined
        : checkInt("expectedSequence", options.expectedSequence, 0, MAX_SEQUENCE)
    const rows = checkedRows(ctx, sessionId, messages)
    const checkExisting = messages.some((message) => message.id !== undefined)
    const now = rows[0]?.created_at ?? ctx.clock()
    const stored = await ctx.open().appendMessages(ctx.namespace, sessionId, rows, {
      checkExisting,
      now,
      ...(expectedSequence === undefined ? {} : { expectedSequence }),
    })
    if (!stored) throw new NotFoundError("session", sessionId)
    return stored.map(toMessage)
  }

  return {
    async append(sessionId, message, options) {
      const [stored] = await appendMany(sessionId, [message], options)
      return stored as Message
    },

    appendMany,

    async list(sessionId, query = {}) {
      checkId("sessionId", sessionId)
      const spec = listSpec(query)
      const latest = query.latest !== undefined
      const rows = await ctx
        .open()
        .listMessages(ctx.namespace, sessionId, { ...spec, limit: spec.limit + 1 })
      if (!rows) throw new NotFoundError("session", sessionId)
      const hasMore = rows.length > spec.limit
      const shown = rows.slice(0, spec.limit)
      const page: MessagePage = { messages: shown.map(toMessage), hasMore }
      const last = shown[shown.length - 1]
      if (hasMore && last) page.nextCursor = Number(last.sequence)
      if (latest) page.messages.reverse()
      return page
    },

    async get(id) {
      checkId("id", id)
      const row = await ctx.open().getMessage(ctx.namespace, id)
      if (!row) throw new NotFoundError("message", id)
      return toMessage(row)
    },

    async count(sessionId) {
      checkId("sessionId", sessionId)
      const count = await ctx.open().countMessages(ctx.namespace, sessionId)
      if (count === undefined) throw new NotFoundError("session", sessionId)
      return count
    },

    async truncate(sessionId, afterSequence) {
      checkId("sessionId", sessionId)
      checkInt("afterSequence", afterSequence, 0, MAX_SEQUENCE)
      const rows = await ctx
        .open()
        .truncateMessages(ctx.namespace, sessionId, afterSequence, ctx.clock())
      if (!rows) throw new NotFoundError("session", sessionId)
      return rows.map(toMessage)
    },

    async replace(sessionId, afterSequence, messages, options) {
      checkId("sessionId", sessionId)
      if (!Array.isArray(messages)) throw new ValidationError("messages", "must be an array")
      checkKeys("options", checkObject("options", options), ["expectedSequence", "expectedLastId"])
      const expected = checkInt("expectedSequence", options.expectedSequence, 0, MAX_SEQUENCE)
      checkInt("afterSequence", afterSequence, 0, expected)
      const lastId = optionalId("expectedLastId", options.expectedLastId)
      const rows = checkedRows(ctx, sessionId, messages)
      const stored = await ctx
        .open()
        .replaceMessages(ctx.namespace, sessionId, afterSequence, rows, {
          expectedSequence: expected,
          ...(lastId === null ? {} : { expectedLastId: lastId }),
          now: rows[0]?.created_at ?? ctx.clock(),
        })
      if (!stored) throw new NotFoundError("session", sessionId)
      return stored.map(toMessage)
    },

    async pop(sessionId) {
      checkId("sessionId", sessionId)
      const row = await ctx.open().popMessage(ctx.namespace, sessionId, ctx.clock())
      if (row === undefined) throw new NotFoundError("session", sessionId)
      return row === null ? null : toMessage(row)
    },
  }
}

/** Validates a batch (at most `maxBatch`, distinct ids) into rows stamped with one time. */
function checkedRows(
  ctx: StoreContext,
  sessionId: string,
  messages: MessageInput[],
): Omit<MessageRow, "sequence">[] {
  const max = ctx.backend.capabilities.maxBatch
  if (messages.length > max) throw new ValidationError("messages", `at most ${max} per call`)
  const now = ctx.clock()
  let callerIds = false
  const rows = messages.map((message, i) => {
    if (message?.id !== undefined) callerIds = true
    return messageRow(ctx, sessionId, message, `messages[${i}]`, now)
  })
  if (callerIds && new Set(rows.map((row) => row.id)).size !== rows.length) {
    throw new ValidationError("messages", "ids must be distinct")
  }
  return rows
}

function messageRow(
  ctx: StoreContext,
  sessionId: string,
  input: MessageInput,
  field: string,
  now: number,
): Omit<MessageRow, "sequence"> {
  checkKeys(field, checkObject(field, input), MESSAGE_KEYS)
  if (input.content === undefined) throw new ValidationError(`${field}.content`, "is required")
  return {
    namespace: ctx.namespace,
    id: input.id === undefined ? ctx.newId() : checkId(`${field}.id`, input.id),
    session_id: sessionId,
    role: checkName(`${field}.role`, input.role, 64),
    content: checkBytes(
      `${field}.content`,
      encodeJson(`${field}.content`, input.content),
      ctx.limits.messageBytes,
      "messageBytes",
    ),
    name: optionalName(`${field}.name`, input.name),
    tool_call_id: optionalId(`${field}.toolCallId`, input.toolCallId),
    usage:
      input.usage === undefined || input.usage === null
        ? null
        : JSON.stringify(compactUsage(checkUsage(`${field}.usage`, input.usage))),
    metadata: encodeMetadata(ctx, `${field}.metadata`, input.metadata),
    created_at: now,
  }
}

function compactUsage(usage: ReturnType<typeof checkUsage>) {
  return Object.keys(usage.extra).length === 0
    ? { input: usage.input, output: usage.output, total: usage.total }
    : usage
}

function listSpec(query: ListMessagesQuery): MessageListSpec {
  checkKeys("query", checkObject("query", query), ["after", "before", "latest", "limit", "order"])
  if (query.latest !== undefined) {
    if (query.order !== undefined || query.limit !== undefined) {
      throw new ValidationError("latest", "cannot be combined with order or limit")
    }
    const spec: MessageListSpec = {
      limit: checkLimit(query.latest, 50, MAX_LIMIT, "latest"),
      order: "desc",
    }
    return withBounds(spec, query)
  }
  const spec: MessageListSpec = {
    limit: checkLimit(query.limit),
    order: checkEnum("order", query.order ?? "asc", ["asc", "desc"]),
  }
  return withBounds(spec, query)
}

function withBounds(spec: MessageListSpec, query: ListMessagesQuery): MessageListSpec {
  if (query.after !== undefined) spec.after = checkInt("after", query.after, 0, MAX_SEQUENCE)
  if (query.before !== undefined) spec.before = checkInt("before", query.before, 0, MAX_SEQUENCE)
  return spec
}
