import { decodeJson, decodeNullable, decodeObject, type StoredAt } from "./codec.js"
import { IntegrityError } from "./errors.js"
import type {
  Event,
  Json,
  JsonObject,
  Message,
  Session,
  ToolInvocation,
  ToolStatus,
  UsageInput,
} from "./types.js"

/**
 * Rows as every backend stores them: snake_case columns, JSON payloads as text,
 * times as epoch milliseconds. Backends only move rows; this file turns rows into records.
 */
export interface SessionRow {
  namespace: string
  id: string
  agent: string
  number: number
  title: string | null
  metadata: string
  input_tokens: number
  output_tokens: number
  total_tokens: number
  usage_extra: string
  message_count: number
  last_sequence: number
  created_at: number
  updated_at: number
}

/** A stored message. */
export interface MessageRow {
  namespace: string
  id: string
  session_id: string
  sequence: number
  role: string
  content: string
  name: string | null
  tool_call_id: string | null
  usage: string | null
  metadata: string
  created_at: number
}

/** A stored event. `text` holds JSON text (a string literal) or null. */
export interface EventRow {
  namespace: string
  id: string
  cursor: string
  kind: string
  data: string
  text: string | null
  session_id: string | null
  agent: string | null
  parent_id: string | null
  artifact_ref: string | null
  time: number
}

/** A stored tool invocation. */
export interface ToolRow {
  namespace: string
  id: string
  tool: string
  status: ToolStatus
  arguments: string
  result: string | null
  error: string | null
  session_id: string | null
  plan_id: string | null
  changeset_id: string | null
  change_ids: string
  resource_refs: string
  provider_metadata: string
  started_at: number
  finished_at: number | null
  duration_ms: number | null
}

/** Event columns that define "the same content" for idempotent re-appends. */
export const EVENT_CONTENT_COLUMNS = [
  "kind",
  "data",
  "text",
  "session_id",
  "agent",
  "parent_id",
  "artifact_ref",
] as const satisfies readonly (keyof EventRow)[]

/** Message columns that define "the same content" for idempotent re-sends. */
export const MESSAGE_CONTENT_COLUMNS = [
  "session_id",
  "role",
  "content",
  "name",
  "tool_call_id",
  "usage",
  "metadata",
] as const satisfies readonly (keyof MessageRow)[]

/** True when two rows agree on the listed columns. */
export function sameColumns<T>(a: T, b: T, columns: readonly (keyof T)[]): boolean {
  return columns.every((column) => a[column] === b[column])
}

let lastMs = Number.NaN
let lastIso = ""

/** ISO-8601 text for stored epoch milliseconds (rows written together share one time: memoised). */
export function iso(ms: number | string | bigint): string {
  const n = Number(ms)
  if (n !== lastMs) {
    lastIso = new Date(n).toISOString()
    lastMs = n
  }
  return lastIso
}

function int(value: unknown, at: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n))
    throw new IntegrityError(`corrupt integer in ${at}`, { value: String(value) })
  return n
}

function corrupt(where: StoredAt): never {
  throw new IntegrityError(`corrupt ${where.table}.${where.column} for ${where.id}`, { ...where })
}

/** Stored named counters: every value a non-negative safe integer. */
function counters(value: Json | undefined, where: StoredAt): Record<string, number> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return corrupt(where)
  for (const n of Object.values(value)) {
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) corrupt(where)
  }
  return value as Record<string, number>
}

/** A message's stored usage: counters, plus named counters under `extra`. */
function usage(value: JsonObject, where: StoredAt): UsageInput {
  const { extra, ...rest } = value
  counters(rest, where)
  if (extra !== undefined) counters(extra, where)
  return value as UsageInput
}

/** A stored JSON array whose items pass `ok`. */
function array(text: unknown, where: StoredAt, ok: (item: Json) => boolean): Json[] {
  const value = decodeJson(text, where)
  return Array.isArray(value) && value.every(ok) ? value : corrupt(where)
}

/** Row → Session. */
export function toSession(row: SessionRow): Session {
  const at = (column: string) => ({ table: "sessions", column, id: row.id })
  return {
    id: row.id,
    namespace: row.namespace,
    agent: row.agent,
    number: int(row.number, "sessions.number"),
    title: row.title,
    metadata: decodeObject(row.metadata, at("metadata")),
    usage: {
      input: int(row.input_tokens, "sessions.input_tokens"),
      output: int(row.output_tokens, "sessions.output_tokens"),
      total: int(row.total_tokens, "sessions.total_tokens"),
      extra: counters(decodeObject(row.usage_extra, at("usage_extra")), at("usage_extra")),
    },
    messageCount: int(row.message_count, "sessions.message_count"),
    lastSequence: int(row.last_sequence, "sessions.last_sequence"),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  }
}

/** Row → Message. */
export function toMessage(row: MessageRow): Message {
  const at = (column: string) => ({ table: "messages", column, id: row.id })
  return {
    id: row.id,
    sessionId: row.session_id,
    sequence: int(row.sequence, "messages.sequence"),
    role: row.role,
    content: decodeJson(row.content, at("content")),
    name: row.name,
    toolCallId: row.tool_call_id,
    usage: row.usage === null ? null : usage(decodeObject(row.usage, at("usage")), at("usage")),
    metadata: decodeObject(row.metadata, at("metadata")),
    createdAt: iso(row.created_at),
  }
}

/** Row → Event. */
export function toEvent(row: EventRow): Event {
  const at = (column: string) => ({ table: "events", column, id: row.id })
  const text = decodeNullable(row.text, at("text"))
  if (text !== null && typeof text !== "string") {
    throw new IntegrityError(`corrupt events.text for ${row.id}: not a string`, at("text"))
  }
  return {
    id: row.id,
    namespace: row.namespace,
    cursor: String(row.cursor),
    kind: row.kind,
    data: decodeJson(row.data, at("data")),
    text,
    sessionId: row.session_id,
    agent: row.agent,
    parentId: row.parent_id,
    artifactRef: row.artifact_ref,
    time: iso(row.time),
  }
}

/** Row → ToolInvocation. */
export function toTool(row: ToolRow): ToolInvocation {
  const at = (column: string) => ({ table: "tool_invocations", column, id: row.id })
  return {
    id: row.id,
    namespace: row.namespace,
    tool: row.tool,
    status: row.status,
    arguments: decodeJson(row.arguments, at("arguments")),
    result: decodeNullable(row.result, at("result")),
    error: decodeNullable(row.error, at("error")),
    sessionId: row.session_id,
    planId: row.plan_id,
    changesetId: row.changeset_id,
    changeIds: array(row.change_ids, at("change_ids"), (v) => typeof v === "string") as string[],
    resourceRefs: array(row.resource_refs, at("resource_refs"), () => true),
    providerMetadata: decodeObject(row.provider_metadata, at("provider_metadata")),
    startedAt: iso(row.started_at),
    finishedAt: row.finished_at === null ? null : iso(row.finished_at),
    durationMs:
      row.duration_ms === null ? null : int(row.duration_ms, "tool_invocations.duration_ms"),
  }
}

/** Tool invocation columns that define "the same invocation" for idempotent re-sends. */
export const TOOL_CONTENT_COLUMNS = [
  "tool",
  "arguments",
  "session_id",
  "plan_id",
  "changeset_id",
  "resource_refs",
  "provider_metadata",
] as const satisfies readonly (keyof ToolRow)[]
