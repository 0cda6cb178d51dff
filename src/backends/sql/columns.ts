import type { ArtifactRow } from "../../core/artifact-rows.js"
import type { ImportRow } from "../../core/backend.js"
import type { ChangeRow, PlanRow } from "../../core/changeset-rows.js"
import type { EventRow, MessageRow, SessionRow, ToolRow } from "../../core/rows.js"

/** Columns of `sessions`, in table order. */
export const SESSION_COLUMNS = [
  "namespace",
  "id",
  "agent",
  "number",
  "title",
  "metadata",
  "input_tokens",
  "output_tokens",
  "total_tokens",
  "usage_extra",
  "message_count",
  "last_sequence",
  "created_at",
  "updated_at",
] as const satisfies readonly (keyof SessionRow)[]

/** Columns of `messages`, in table order. */
export const MESSAGE_COLUMNS = [
  "namespace",
  "id",
  "session_id",
  "sequence",
  "role",
  "content",
  "name",
  "tool_call_id",
  "usage",
  "metadata",
  "created_at",
] as const satisfies readonly (keyof MessageRow)[]

/** Columns of `events` that an insert writes (the cursor is assigned by the database). */
export const EVENT_INSERT_COLUMNS = [
  "namespace",
  "id",
  "kind",
  "data",
  "text",
  "session_id",
  "agent",
  "parent_id",
  "artifact_ref",
  "time",
] as const satisfies readonly (keyof EventRow)[]

/** Columns of `events`, cursor first. */
export const EVENT_COLUMNS = [
  "cursor",
  ...EVENT_INSERT_COLUMNS,
] as const satisfies readonly (keyof EventRow)[]

/** Columns of `tool_invocations`, in table order. */
export const TOOL_COLUMNS = [
  "namespace",
  "id",
  "tool",
  "status",
  "arguments",
  "result",
  "error",
  "session_id",
  "plan_id",
  "changeset_id",
  "change_ids",
  "resource_refs",
  "provider_metadata",
  "started_at",
  "finished_at",
  "duration_ms",
] as const satisfies readonly (keyof ToolRow)[]

/** Columns of `plans`, in table order. */
export const PLAN_COLUMNS = [
  "namespace",
  "id",
  "session_id",
  "title",
  "workspace",
  "status",
  "changeset_id",
  "apply_journal",
  "created_at",
  "updated_at",
  "finished_at",
] as const satisfies readonly (keyof PlanRow)[]

/** Columns of `changes`, in table order. */
export const CHANGE_COLUMNS = [
  "namespace",
  "id",
  "plan_id",
  "changeset_id",
  "seq",
  "path",
  "op",
  "old_path",
  "before_sha256",
  "after_sha256",
  "before_size",
  "after_size",
  "mode",
  "tool_invocation_id",
  "created_at",
] as const satisfies readonly (keyof ChangeRow)[]

/** Columns of `artifacts`, in table order. */
export const ARTIFACT_COLUMNS = [
  "namespace",
  "handle",
  "sha256",
  "size",
  "media_type",
  "label",
  "metadata",
  "session_id",
  "tool_invocation_id",
  "created_at",
] as const satisfies readonly (keyof ArtifactRow)[]

/** Every importable table's full column list (events include the cursor). */
export const TABLE_COLUMNS = {
  sessions: SESSION_COLUMNS,
  messages: MESSAGE_COLUMNS,
  events: EVENT_COLUMNS,
  tool_invocations: TOOL_COLUMNS,
  plans: PLAN_COLUMNS,
  changes: CHANGE_COLUMNS,
  artifacts: ARTIFACT_COLUMNS,
} as const satisfies Record<ImportRow["table"], readonly string[]>

/** The names as a comma-separated SQL column list. */
export function columnList(names: readonly string[]): string {
  return names.join(", ")
}

/** The names as SQLite named parameters (`@name, …`), matching `columnList`. */
export function namedParams(names: readonly string[]): string {
  return names.map((name) => `@${name}`).join(", ")
}
