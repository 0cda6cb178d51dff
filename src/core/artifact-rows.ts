import { decodeObject } from "./codec.js"
import { IntegrityError } from "./errors.js"
import { iso } from "./rows.js"
import type { JsonObject } from "./types.js"

/** A stored artifact ref. */
export interface ArtifactRow {
  namespace: string
  handle: string
  sha256: string
  size: number
  media_type: string
  label: string | null
  metadata: string
  session_id: string | null
  tool_invocation_id: string | null
  created_at: number
}

/** A blob kept in the database (the in-database blob store). */
export interface DbBlobRow {
  sha256: string
  size: number
  chunk_size: number
  touched_at: number
}

/** Artifact columns that define "the same ref" for idempotent re-puts. */
export const ARTIFACT_CONTENT_COLUMNS = [
  "sha256",
  "size",
  "media_type",
  "label",
  "metadata",
  "session_id",
  "tool_invocation_id",
] as const satisfies readonly (keyof ArtifactRow)[]

/** A named, typed pointer to a stored blob. */
export interface ArtifactRef {
  /** The name the artifact is addressed by, unique in its namespace. */
  handle: string
  namespace: string
  /** SHA-256 of the content (the blob address). */
  sha256: string
  /** Length in bytes. */
  size: number
  mediaType: string
  label: string | null
  metadata: JsonObject
  sessionId: string | null
  toolInvocationId: string | null
  createdAt: string
}

/** Row → ArtifactRef. */
export function toArtifact(row: ArtifactRow): ArtifactRef {
  const size = Number(row.size)
  if (!Number.isSafeInteger(size) || size < 0 || !/^[0-9a-f]{64}$/.test(row.sha256)) {
    throw new IntegrityError(`corrupt artifact row ${row.handle}`, {
      table: "artifacts",
      id: row.handle,
    })
  }
  return {
    handle: row.handle,
    namespace: row.namespace,
    sha256: row.sha256,
    size,
    mediaType: row.media_type,
    label: row.label,
    metadata: decodeObject(row.metadata, {
      table: "artifacts",
      column: "metadata",
      id: row.handle,
    }),
    sessionId: row.session_id,
    toolInvocationId: row.tool_invocation_id,
    createdAt: iso(row.created_at),
  }
}
