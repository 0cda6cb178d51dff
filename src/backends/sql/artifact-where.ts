import type { ArtifactListSpec } from "../../core/artifact-backend.js"
import { and, type Where, whereNamespace } from "./where.js"

/** Conditions for an artifact listing, including the keyset position (created_at, handle). */
export function artifactWhere(namespace: string, spec: ArtifactListSpec): Where {
  const where = whereNamespace(namespace)
  if (spec.sessionId !== undefined) and(where, "session_id = ?", spec.sessionId)
  if (spec.mediaType !== undefined) and(where, "media_type = ?", spec.mediaType)
  if (spec.label !== undefined) and(where, "label = ?", spec.label)
  if (spec.after) {
    const op = spec.order === "asc" ? ">" : "<"
    and(where, `(created_at, handle) ${op} (?, ?)`, spec.after.time, spec.after.id)
  }
  return where
}
