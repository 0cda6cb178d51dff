/**
 * The backend operations each storage domain implements: one name list per domain, shared by the
 * SQLite and PostgreSQL implementations and the lazy loader that fronts them.
 */
import type { Backend } from "./backend.js"

/** Session rows: insert, read, list, update, delete. */
export type SessionOps = Pick<
  Backend,
  "insertSession" | "getSession" | "listSessions" | "updateSession" | "deleteSession"
>

/** Message rows of a session. */
export type MessageOps = Pick<
  Backend,
  | "appendMessages"
  | "listMessages"
  | "getMessage"
  | "countMessages"
  | "truncateMessages"
  | "popMessage"
  | "replaceMessages"
>

/** Event rows. */
export type EventOps = Pick<
  Backend,
  "appendEvents" | "queryEvents" | "countEvents" | "summarizeEvents" | "getEvent" | "deleteEvents"
>

/** Tool-invocation rows. */
export type ToolOps = Pick<
  Backend,
  "insertTool" | "getTool" | "updateTool" | "listTools" | "deleteToolsByPlan"
>
