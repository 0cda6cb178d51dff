import { encodeJson, encodeObject } from "../core/codec.js"
import { ValidationError } from "../core/errors.js"
import type { EventRow, MessageRow, SessionRow, ToolRow } from "../core/rows.js"
import type { Event, Message, Session, ToolInvocation } from "../core/types.js"
import {
  checkEnum,
  checkId,
  checkInt,
  checkKeys,
  checkName,
  checkObject,
  checkTime,
  checkTitle,
  optionalId,
  optionalName,
} from "../core/validation.js"

/** A session as a bundle stores it (no namespace: chosen at import). */
export type SessionRecord = Omit<Session, "namespace">
/** A message as a bundle stores it. */
export type MessageRecord = Message
/** An event as a bundle stores it (the cursor is assigned again at import). */
export type EventRecord = Omit<Event, "namespace" | "cursor">
/** A tool invocation as a bundle stores it. */
export type ToolRecord = Omit<ToolInvocation, "namespace">

/** The largest count or size a bundle record may carry. */
export const MAX_INT = Number.MAX_SAFE_INTEGER

/** Session → bundle record. */
export function sessionRecord(s: Session): SessionRecord {
  const { namespace: _, ...rest } = s
  return rest
}

/** Event → bundle record. */
export function eventRecord(e: Event): EventRecord {
  const { namespace: _, cursor: __, ...rest } = e
  return rest
}

/** Tool invocation → bundle record. */
export function toolRecord(t: ToolInvocation): ToolRecord {
  const { namespace: _, ...rest } = t
  return rest
}

/** A bundle record's time: an ISO-8601 string (never a Date or a number) → epoch ms. */
export function recordTime(field: string, value: unknown): number {
  if (typeof value !== "string") throw new ValidationError(field, "must be an ISO-8601 string")
  return checkTime(field, value)
}

function count(field: string, value: unknown): number {
  return checkInt(field, value, 0, MAX_INT)
}

/** Validates a session record and builds its row in `ns`. */
export function sessionRow(ns: string, value: unknown): SessionRow {
  const r = checkObject("session", value)
  checkKeys("session", r, [
    "id",
    "agent",
    "number",
    "title",
    "metadata",
    "usage",
    "messageCount",
    "lastSequence",
    "createdAt",
    "updatedAt",
  ])
  const usage = checkObject("session.usage", r.usage)
  checkKeys("session.usage", usage, ["input", "output", "total", "extra"])
  const extra = checkObject("session.usage.extra", usage.extra)
  for (const [k, v] of Object.entries(extra)) {
    checkName("session.usage.extra", k, 64)
    count(`session.usage.extra.${k}`, v)
  }
  return {
    namespace: ns,
    id: checkId("session.id", r.id),
    agent: checkName("session.agent", r.agent),
    number: checkInt("session.number", r.number, 1, MAX_INT),
    title: r.title === null ? null : checkTitle("session.title", r.title),
    metadata: encodeObject("session.metadata", r.metadata),
    input_tokens: count("session.usage.input", usage.input),
    output_tokens: count("session.usage.output", usage.output),
    total_tokens: count("session.usage.total", usage.total),
    usage_extra: JSON.stringify(extra),
    message_count: count("session.messageCount", r.messageCount),
    last_sequence: count("session.lastSequence", r.lastSequence),
    created_at: recordTime("session.createdAt", r.createdAt),
    updated_at: recordTime("session.updatedAt", r.updatedAt),
  }
}

/** Validates a message record and builds its row in `ns`. */
export function messageRow(ns: string, value: unknown): MessageRow {
  const r = checkObject("message", value)
  checkKeys("message", r, [
    "id",
    "sessionId",
    "sequence",
    "role",
    "content",
    "name",
    "toolCallId",
    "usage",
    "metadata",
    "createdAt",
  ])
  if (!("content" in r)) throw new ValidationError("message.content", "is missing")
  return {
    namespace: ns,
    id: checkId("message.id", r.id),
    session_id: checkId("message.sessionId", r.sessionId),
    sequence: checkInt("message.sequence", r.sequence, 1, MAX_INT),
    role: checkName("message.role", r.role, 64),
    content: encodeJson("message.content", r.content),
    name: optionalName("message.name", r.name),
    tool_call_id: optionalName("message.toolCallId", r.toolCallId),
    usage: r.usage === null ? null : encodeObject("message.usage", r.usage),
    metadata: encodeObject("message.metadata", r.metadata),
    created_at: recordTime("message.createdAt", r.createdAt),
  }
}

/** Validates an event record and builds its row (without cursor) in `ns`. */
export function eventRow(ns: string, value: unknown): Omit<EventRow, "cursor"> {
  const r = checkObject("event", value)
  checkKeys("event", r, [
    "id",
    "kind",
    "data",
    "text",
    "sessionId",
    "agent",
    "parentId",
    "artifactRef",
    "time",
  ])
  if (r.text !== null && typeof r.text !== "string") {
    throw new ValidationError("event.text", "must be a string or null")
  }
  return {
    namespace: ns,
    id: checkId("event.id", r.id),
    kind: checkName("event.kind", r.kind, 128),
    data: encodeJson("event.data", r.data),
    text: r.text === null ? null : JSON.stringify(r.text),
    session_id: optionalId("event.sessionId", r.sessionId),
    agent: optionalName("event.agent", r.agent),
    parent_id: optionalId("event.parentId", r.parentId),
    artifact_ref: optionalName("event.artifactRef", r.artifactRef, 512),
    time: recordTime("event.time", r.time),
  }
}

/** Validates a tool invocation record and builds its row in `ns`. */
export function toolRow(ns: string, value: unknown): ToolRow {
  const r = checkObject("tool", value)
  checkKeys("tool", r, [
    "id",
    "tool",
    "status",
    "arguments",
    "result",
    "error",
    "sessionId",
    "planId",
    "changesetId",
    "changeIds",
    "resourceRefs",
    "providerMetadata",
    "startedAt",
    "finishedAt",
    "durationMs",
  ])
  if (!Array.isArray(r.changeIds)) throw new ValidationError("tool.changeIds", "must be an array")
  if (!Array.isArray(r.resourceRefs)) {
    throw new ValidationError("tool.resourceRefs", "must be an array")
  }
  const row: ToolRow = {
    namespace: ns,
    id: checkId("tool.id", r.id),
    tool: checkName("tool.tool", r.tool),
    status: checkEnum("tool.status", r.status, ["running", "succeeded", "failed", "cancelled"]),
    arguments: encodeJson("tool.arguments", r.arguments),
    result: r.result === null ? null : encodeJson("tool.result", r.result),
    error: r.error === null ? null : encodeJson("tool.error", r.error),
    session_id: optionalId("tool.sessionId", r.sessionId),
    plan_id: optionalId("tool.planId", r.planId),
    changeset_id: optionalId("tool.changesetId", r.changesetId),
    change_ids: JSON.stringify(r.changeIds.map((id, i) => checkId(`tool.changeIds[${i}]`, id))),
    resource_refs: encodeJson("tool.resourceRefs", r.resourceRefs),
    provider_metadata: encodeObject("tool.providerMetadata", r.providerMetadata),
    started_at: recordTime("tool.startedAt", r.startedAt),
    finished_at: r.finishedAt === null ? null : recordTime("tool.finishedAt", r.finishedAt),
    duration_ms: r.durationMs === null ? null : count("tool.durationMs", r.durationMs),
  }
  checkToolTimes(row)
  return row
}

/** Running ⇔ not finished; a finished invocation's duration is its finish minus its start. */
function checkToolTimes(row: ToolRow): void {
  const running = row.status === "running"
  if ((row.finished_at === null) !== running) {
    throw new ValidationError("tool.finishedAt", `does not agree with status ${row.status}`)
  }
  const duration = row.finished_at === null ? null : row.finished_at - row.started_at
  if (row.duration_ms !== duration) {
    throw new ValidationError("tool.durationMs", "must be finishedAt minus startedAt")
  }
}

/**
 * A relative path a bundle may name (a changed file, a blob): no absolute paths, no `..`,
 * no backslashes, no NUL or control characters, no empty segments.
 */
export function checkBundlePath(field: string, value: unknown): string {
  const path = checkName(field, value, 4096)
  const segments = path.split("/")
  if (
    path.startsWith("/") ||
    path.includes("\\") ||
    /^[A-Za-z]:/.test(path) ||
    segments.some((s) => s === "" || s === "." || s === "..")
  ) {
    throw new ValidationError(field, "must be a relative path without '.', '..' or empty segments")
  }
  return path
}
