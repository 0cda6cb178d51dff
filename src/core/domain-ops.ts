/**
 * The backend operations each storage domain implements: one name list per domain, shared by the
 * SQLite and PostgreSQL implementations and the lazy loader that fronts them.
 */
import type { Backend } from "./backend.js"

/** The names of `SessionOps`. */
export const SESSION_OPS = {
  insertSession: true,
  getSession: true,
  listSessions: true,
  updateSession: true,
  deleteSession: true,
} as const satisfies Partial<Record<keyof Backend, true>>

/** The names of `MessageOps`. */
export const MESSAGE_OPS = {
  appendMessages: true,
  listMessages: true,
  getMessage: true,
  countMessages: true,
  truncateMessages: true,
  popMessage: true,
  replaceMessages: true,
} as const satisfies Partial<Record<keyof Backend, true>>

/** The names of `EventOps`. */
export const EVENT_OPS = {
  appendEvents: true,
  queryEvents: true,
  countEvents: true,
  summarizeEvents: true,
  getEvent: true,
  deleteEvents: true,
} as const satisfies Partial<Record<keyof Backend, true>>

/** The names of `ToolOps`. */
export const TOOL_OPS = {
  insertTool: true,
  getTool: true,
  updateTool: true,
  listTools: true,
  deleteToolsByPlan: true,
} as const satisfies Partial<Record<keyof Backend, true>>

/** Session rows: insert, read, list, update, delete. */
export type SessionOps = Pick<Backend, keyof typeof SESSION_OPS>

/** Message rows of a session. */
export type MessageOps = Pick<Backend, keyof typeof MESSAGE_OPS>

/** Event rows. */
export type EventOps = Pick<Backend, keyof typeof EVENT_OPS>

/** Tool-invocation rows. */
export type ToolOps = Pick<Backend, keyof typeof TOOL_OPS>
