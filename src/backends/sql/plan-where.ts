import type { PlanListSpec } from "../../core/changeset-rows.js"
import { and, type Where, whereNamespace } from "./where.js"

/** Conditions for a plan listing, with the keyset position. Placeholders are `?`. */
export function planWhere(namespace: string, spec: PlanListSpec): Where {
  const where = whereNamespace(namespace)
  if (spec.sessionId !== undefined) and(where, "session_id = ?", spec.sessionId)
  if (spec.status !== undefined) and(where, "status = ?", spec.status)
  if (spec.halfApplied !== undefined) {
    and(where, `apply_journal IS ${spec.halfApplied ? "NOT " : ""}NULL`)
  }
  if (spec.after !== undefined) {
    const op = spec.order === "asc" ? ">" : "<"
    and(
      where,
      `(created_at ${op} ? OR (created_at = ? AND id ${op} ?))`,
      spec.after.time,
      spec.after.time,
      spec.after.id,
    )
  }
  return where
}
