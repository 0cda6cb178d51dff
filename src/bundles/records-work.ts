import { checkHandle, checkMediaType } from "../artifacts/handles.js"
import { checkMode, normalizePath, optionalPath } from "../changesets/paths.js"
import type { ArtifactRow } from "../core/artifact-rows.js"
import { type ChangeRow, PLAN_STATUSES, type PlanRow } from "../core/changeset-rows.js"
import { decodeObject, encodeObject } from "../core/codec.js"
import { ValidationError } from "../core/errors.js"
import { iso } from "../core/rows.js"
import {
  checkEnum,
  checkId,
  checkInt,
  checkKeys,
  checkObject,
  checkTitle,
  optionalId,
  optionalName,
} from "../core/validation.js"
import { MAX_INT, recordTime } from "./records.js"

/**
 * A plan as a bundle stores it (no namespace). `applyJournal` is always `null`: an apply in
 * progress belongs to one workspace of one store, so a bundle never carries it, and an import
 * refuses a bundle that does.
 */
export interface PlanRecord {
  id: string
  sessionId: string | null
  title: string
  workspace: string | null
  status: PlanRow["status"]
  changesetId: string
  applyJournal: null
  createdAt: string
  updatedAt: string
  finishedAt: string | null
}

/** One recorded change as a bundle stores it. */
export interface ChangeRecord {
  id: string
  planId: string
  changesetId: string
  seq: number
  path: string
  op: ChangeRow["op"]
  oldPath: string | null
  beforeSha256: string | null
  afterSha256: string | null
  beforeSize: number | null
  afterSize: number | null
  mode: number | null
  toolInvocationId: string | null
  createdAt: string
}

/** An artifact ref as a bundle stores it (its bytes travel as `blob` records). */
export interface ArtifactRecord {
  handle: string
  sha256: string
  size: number
  mediaType: string
  label: string | null
  metadata: Record<string, unknown>
  sessionId: string | null
  toolInvocationId: string | null
  createdAt: string
}

const SHA256 = /^[0-9a-f]{64}$/

/** Checks a lowercase hex SHA-256. */
export function checkSha256(field: string, value: unknown): string {
  if (typeof value !== "string" || !SHA256.test(value)) {
    throw new ValidationError(field, "must be a lowercase hex SHA-256")
  }
  return value
}

function optional<T>(value: unknown, check: (v: unknown) => T): T | null {
  return value === null ? null : check(value)
}

/** Plan row → bundle record. */
export function planRecord(row: PlanRow): PlanRecord {
  return {
    id: row.id,
    sessionId: row.session_id,
    title: row.title,
    workspace: row.workspace,
    status: row.status,
    changesetId: row.changeset_id,
    applyJournal: null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    finishedAt: row.finished_at === null ? null : iso(row.finished_at),
  }
}

/** Change row → bundle record. */
export function changeRecord(row: ChangeRow): ChangeRecord {
  return {
    id: row.id,
    planId: row.plan_id,
    changesetId: row.changeset_id,
    seq: Number(row.seq),
    path: row.path,
    op: row.op,
    oldPath: row.old_path,
    beforeSha256: row.before_sha256,
    afterSha256: row.after_sha256,
    beforeSize: row.before_size === null ? null : Number(row.before_size),
    afterSize: row.after_size === null ? null : Number(row.after_size),
    mode: row.mode === null ? null : Number(row.mode),
    toolInvocationId: row.tool_invocation_id,
    createdAt: iso(row.created_at),
  }
}

/** Artifact row → bundle record. */
export function artifactRecord(row: ArtifactRow): ArtifactRecord {
  return {
    handle: row.handle,
    sha256: row.sha256,
    size: Number(row.size),
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

/** Validates a plan record and builds its row in `ns`. */
export function planRow(ns: string, value: unknown): PlanRow {
  const r = checkObject("plan", value)
  checkKeys("plan", r, [
    "id",
    "sessionId",
    "title",
    "workspace",
    "status",
    "changesetId",
    "applyJournal",
    "createdAt",
    "updatedAt",
    "finishedAt",
  ])
  if (r.applyJournal !== null) {
    throw new ValidationError(
      "plan.applyJournal",
      "must be null: a bundle never carries apply state",
    )
  }
  const status = checkEnum("plan.status", r.status, PLAN_STATUSES)
  const finishedAt = optional(r.finishedAt, (v) => recordTime("plan.finishedAt", v))
  if ((finishedAt === null) !== (status === "executing" || status === "ready")) {
    throw new ValidationError("plan.finishedAt", `does not agree with status ${status}`)
  }
  return {
    namespace: ns,
    id: checkId("plan.id", r.id),
    session_id: optionalId("plan.sessionId", r.sessionId),
    title: checkTitle("plan.title", r.title),
    workspace: optional(r.workspace, (v) => checkTitle("plan.workspace", v)),
    status,
    changeset_id: checkId("plan.changesetId", r.changesetId),
    apply_journal: null,
    created_at: recordTime("plan.createdAt", r.createdAt),
    updated_at: recordTime("plan.updatedAt", r.updatedAt),
    finished_at: finishedAt,
  }
}

/** What each op needs: `[before, after, oldPath]` present (true) or absent (false). */
const OP_SHAPE: Record<ChangeRow["op"], [boolean, boolean, boolean]> = {
  create: [false, true, false],
  modify: [true, true, false],
  delete: [true, false, false],
  rename: [true, true, true],
}

/** A change's op, contents, sizes and mode agree with each other as the store records them. */
function checkChangeShape(row: ChangeRow): void {
  const [before, after, oldPath] = OP_SHAPE[row.op]
  if (
    (row.before_sha256 !== null) !== before ||
    (row.after_sha256 !== null) !== after ||
    (row.old_path !== null) !== oldPath
  ) {
    throw new ValidationError("change.op", `${row.op} does not agree with its contents or oldPath`)
  }
  if ((row.before_size === null) !== (row.before_sha256 === null)) {
    throw new ValidationError("change.beforeSize", "must be given exactly with beforeSha256")
  }
  if ((row.after_size === null) !== (row.after_sha256 === null)) {
    throw new ValidationError("change.afterSize", "must be given exactly with afterSha256")
  }
}

/** Validates a change record (paths through the changesets path rules) and builds its row. */
export function changeRow(ns: string, value: unknown): ChangeRow {
  const r = checkObject("change", value)
  checkKeys("change", r, [
    "id",
    "planId",
    "changesetId",
    "seq",
    "path",
    "op",
    "oldPath",
    "beforeSha256",
    "afterSha256",
    "beforeSize",
    "afterSize",
    "mode",
    "toolInvocationId",
    "createdAt",
  ])
  const path = normalizePath("change.path", r.path)
  if (path !== r.path) throw new ValidationError("change.path", "must be normalised")
  const oldPath = optionalPath("change.oldPath", r.oldPath)
  if (oldPath !== r.oldPath) throw new ValidationError("change.oldPath", "must be normalised")
  const size = (field: string, v: unknown) => optional(v, (x) => checkInt(field, x, 0, MAX_INT))
  const row: ChangeRow = {
    namespace: ns,
    id: checkId("change.id", r.id),
    plan_id: checkId("change.planId", r.planId),
    changeset_id: checkId("change.changesetId", r.changesetId),
    seq: checkInt("change.seq", r.seq, 1, MAX_INT),
    path,
    op: checkEnum("change.op", r.op, ["create", "modify", "delete", "rename"]),
    old_path: oldPath,
    before_sha256: optional(r.beforeSha256, (v) => checkSha256("change.beforeSha256", v)),
    after_sha256: optional(r.afterSha256, (v) => checkSha256("change.afterSha256", v)),
    before_size: size("change.beforeSize", r.beforeSize),
    after_size: size("change.afterSize", r.afterSize),
    mode: optional(r.mode, (v) => checkMode("change.mode", v)),
    tool_invocation_id: optionalId("change.toolInvocationId", r.toolInvocationId),
    created_at: recordTime("change.createdAt", r.createdAt),
  }
  checkChangeShape(row)
  return row
}

/** Validates an artifact record and builds its row in `ns`. */
export function artifactRow(ns: string, value: unknown): ArtifactRow {
  const r = checkObject("artifact", value)
  checkKeys("artifact", r, [
    "handle",
    "sha256",
    "size",
    "mediaType",
    "label",
    "metadata",
    "sessionId",
    "toolInvocationId",
    "createdAt",
  ])
  return {
    namespace: ns,
    handle: checkHandle(r.handle, "artifact.handle"),
    sha256: checkSha256("artifact.sha256", r.sha256),
    size: checkInt("artifact.size", r.size, 0, MAX_INT),
    media_type: checkMediaType(r.mediaType, "artifact.mediaType"),
    label: optionalName("artifact.label", r.label),
    metadata: encodeObject("artifact.metadata", r.metadata),
    session_id: optionalId("artifact.sessionId", r.sessionId),
    tool_invocation_id: optionalId("artifact.toolInvocationId", r.toolInvocationId),
    created_at: recordTime("artifact.createdAt", r.createdAt),
  }
}
