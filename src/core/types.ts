/** Any value that survives `JSON.stringify` → `JSON.parse` unchanged. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** A JSON object, used for metadata. */
export type JsonObject = { [key: string]: Json }

/** A point in time as accepted on input: a Date, an ISO-8601 string, or epoch milliseconds. */
export type TimeInput = Date | string | number

/** Token usage. Counters are non-negative integers and only ever added to. */
export interface TokenUsage {
  input: number
  output: number
  total: number
  /** Open-ended named counters (`cacheRead`, `reasoning`, …). */
  extra: Record<string, number>
}

/** Usage to add; every field optional. */
export interface UsageInput {
  input?: number
  output?: number
  total?: number
  extra?: Record<string, number>
}

/** A page of results with keyset pagination. */
export interface Page<T> {
  items: T[]
  hasMore: boolean
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string
  /** Present when the query asked for `total: true`. */
  total?: number
}

/** One conversation or run of one agent. */
export interface Session {
  id: string
  namespace: string
  agent: string
  /** 1, 2, 3… per agent: the next number is the agent's previous maximum + 1. */
  number: number
  title: string | null
  metadata: JsonObject
  usage: TokenUsage
  messageCount: number
  /** The sequence of the newest message (0 when empty). */
  lastSequence: number
  createdAt: string
  updatedAt: string
}

/** Input for `sessions.create`. */
export interface CreateSessionInput {
  agent: string
  id?: string
  title?: string | null
  metadata?: JsonObject
}

/** Input for `sessions.update`. `metadata` merges by default; `replaceMetadata` replaces. */
export interface UpdateSessionInput {
  title?: string | null
  metadata?: JsonObject
  replaceMetadata?: boolean
}

/** Filters for `sessions.list`. Time bounds: `since` inclusive, `until` exclusive. */
export interface ListSessionsQuery {
  agent?: string
  createdSince?: TimeInput
  createdUntil?: TimeInput
  updatedSince?: TimeInput
  updatedUntil?: TimeInput
  /** Top-level metadata keys that must equal these values (string, number, boolean or null). */
  metadata?: Record<string, string | number | boolean | null>
  orderBy?: "createdAt" | "updatedAt"
  order?: "asc" | "desc"
  limit?: number
  offset?: number
  cursor?: string
  total?: boolean
}

/** An entry of a session's transcript. */
export interface Message {
  id: string
  sessionId: string
  /** 1..n within the session, gap-free. */
  sequence: number
  role: string
  content: Json
  name: string | null
  toolCallId: string | null
  usage: UsageInput | null
  metadata: JsonObject
  createdAt: string
}

/** One message to append. */
export interface MessageInput {
  role: string
  content: Json
  id?: string
  name?: string | null
  toolCallId?: string | null
  usage?: UsageInput | null
  metadata?: JsonObject
}

/** Options for `messages.append`. */
export interface AppendMessagesOptions {
  /** The session's last sequence as the caller last saw it (0 when empty); else `ConflictError`. */
  expectedSequence?: number
}

/** Preconditions for `messages.replace`; a session that moved on is a `ConflictError`. */
export interface ReplaceMessagesOptions {
  /** The session's last sequence as the caller last saw it (0 when empty). */
  expectedSequence: number
  /**
   * The id of the message at `expectedSequence` as the caller last saw it. Ids are never
   * reused, so this also catches a pop and re-append that brought the session back to the
   * same sequence with other messages.
   */
  expectedLastId?: string
}

/** Filters for `messages.list`. */
export interface ListMessagesQuery {
  /** Only sequences greater than this. */
  after?: number
  /** Only sequences less than this. */
  before?: number
  /** The newest N messages, returned oldest first. */
  latest?: number
  limit?: number
  order?: "asc" | "desc"
}

/** A page of messages. `nextCursor` is the sequence to pass as `after` (or `before` when desc). */
export interface MessagePage {
  messages: Message[]
  hasMore: boolean
  nextCursor?: number
}

/** An entry of the append-only activity log. */
export interface Event {
  id: string
  namespace: string
  /** Strictly increasing in commit order; the only thing to page and tail by. */
  cursor: string
  kind: string
  data: Json
  text: string | null
  sessionId: string | null
  agent: string | null
  parentId: string | null
  artifactRef: string | null
  time: string
}

/** One event to append. Supplying `id` makes the append idempotent. */
export interface EventInput {
  kind: string
  id?: string
  data?: Json
  text?: string | null
  sessionId?: string | null
  agent?: string | null
  parentId?: string | null
  artifactRef?: string | null
  time?: TimeInput
}

/** Filters for events. `since` inclusive, `until` exclusive; `after`/`before` are exclusive cursors. */
export interface EventFilter {
  sessionId?: string
  agent?: string
  kinds?: string[]
  parentId?: string
  since?: TimeInput
  until?: TimeInput
  after?: string
  before?: string
}

/** A query for events: a filter plus page controls. */
export interface EventQuery extends EventFilter {
  /** Default 100, at most 1,000. */
  limit?: number
  order?: "asc" | "desc"
}

/** A page of events; pass `nextCursor` as `after` (or `before` when desc) to continue. */
export interface EventPage {
  events: Event[]
  hasMore: boolean
  nextCursor?: string
}

/** Aggregates over a filtered set of events, computed by the database. */
export interface EventSummary {
  total: number
  byKind: Record<string, number>
  sessions: number
  firstTime: string | null
  lastTime: string | null
}

/** The status of a tool invocation. */
export type ToolStatus = "running" | "succeeded" | "failed" | "cancelled"

/** One execution of one tool, kept for audit. */
export interface ToolInvocation {
  id: string
  namespace: string
  tool: string
  status: ToolStatus
  arguments: Json
  result: Json
  error: Json
  sessionId: string | null
  planId: string | null
  changesetId: string | null
  changeIds: string[]
  resourceRefs: Json[]
  providerMetadata: JsonObject
  startedAt: string
  finishedAt: string | null
  durationMs: number | null
}

/** Input for `tools.start`. */
export interface StartToolInput {
  tool: string
  id?: string
  arguments?: Json
  sessionId?: string | null
  planId?: string | null
  changesetId?: string | null
  changeIds?: string[]
  resourceRefs?: Json[]
  providerMetadata?: JsonObject
  startedAt?: TimeInput
}

/** Input for `tools.finish`. A `failed` status needs an `error`; `succeeded` takes a `result`. */
export interface FinishToolInput {
  status: Exclude<ToolStatus, "running">
  result?: Json
  error?: Json
  finishedAt?: TimeInput
  changeIds?: string[]
}

/** Input for `tools.record`: a start and a finish in one write. */
export interface RecordToolInput extends StartToolInput, FinishToolInput {}

/** Filters for `tools.list`. */
export interface ListToolsQuery {
  sessionId?: string
  planId?: string
  tool?: string
  status?: ToolStatus
  since?: TimeInput
  until?: TimeInput
  limit?: number
  cursor?: string
  order?: "asc" | "desc"
}
