import type { ImportRow } from "../../core/backend.js"
import { ConflictError } from "../../core/errors.js"

const ENTITY: Record<ImportRow["table"], string> = {
  sessions: "session",
  messages: "message",
  events: "event",
  tool_invocations: "tool invocation",
  plans: "plan",
  changes: "change",
  artifacts: "artifact",
}

/** The key an imported row is known by: its handle for an artifact, else its id. */
export function importKey(item: ImportRow): string {
  return item.table === "artifacts" ? item.row.handle : item.row.id
}

/**
 * The conflict an imported row that collides with a stored one raises, naming the row in the
 * store's words (never the driver's): which record, and the key that collided.
 */
export function importConflict(item: ImportRow): ConflictError {
  const entity = ENTITY[item.table]
  const key = importKey(item)
  const details = { table: item.table, [item.table === "artifacts" ? "handle" : "id"]: key }
  const ns = item.row.namespace
  if (item.table === "sessions") {
    const { agent, number } = item.row
    return new ConflictError(
      `session ${key} (agent ${agent}, number ${number}) collides with a stored session of namespace ${ns}`,
      { ...details, agent, number },
    )
  }
  if (item.table === "messages") {
    const { session_id, sequence } = item.row
    return new ConflictError(
      `message ${key} (session ${session_id}, sequence ${sequence}) collides with a stored message of namespace ${ns}`,
      { ...details, sessionId: session_id, sequence },
    )
  }
  return new ConflictError(`${entity} ${key} already exists in namespace ${ns}`, details)
}
