import { isSha256 } from "../artifacts/blob-store.js"
import { ValidationError } from "../core/errors.js"
import { checkEnum, checkKeys, checkObject, optionalId } from "../core/validation.js"
import { checkMode, normalizePath, optionalPath } from "./paths.js"
import type { ChangeInput } from "./plan-types.js"
import type { ChangeOp } from "./types.js"

/** Largest number of changes one `record` call takes. */
const MAX_RECORD_BATCH = 10_000

const KEYS = [
  "path",
  "op",
  "oldPath",
  "before",
  "after",
  "beforeSha256",
  "afterSha256",
  "mode",
  "toolInvocationId",
]
const OPS: readonly ChangeOp[] = ["create", "modify", "delete", "rename"]

/** Content of one side of a change: inline bytes to store, a stored hash, or nothing. */
export type Side = { bytes: Uint8Array } | { sha256: string } | null

/** A change input checked and normalised, contents not yet stored. */
export interface CheckedChange {
  path: string
  op: ChangeOp
  oldPath: string | null
  before: Side
  after: Side
  mode: number | null
  toolInvocationId: string | null
}

/** Validates one or many change inputs (paths normalised, contents present as the op needs). */
export function checkChanges(input: ChangeInput | readonly ChangeInput[]): CheckedChange[] {
  const list = Array.isArray(input) ? input : [input]
  if (list.length === 0) throw new ValidationError("changes", "must not be empty")
  if (list.length > MAX_RECORD_BATCH) {
    throw new ValidationError("changes", `must hold at most ${MAX_RECORD_BATCH} changes per call`)
  }
  return list.map((change, i) => checkChange(`changes[${i}]`, change))
}

function checkChange(field: string, input: unknown): CheckedChange {
  const object = checkObject(field, input)
  checkKeys(field, object, KEYS)
  const value = object as unknown as ChangeInput
  const op = checkEnum(`${field}.op`, value.op, OPS)
  const path = normalizePath(`${field}.path`, value.path)
  const oldPath = optionalPath(`${field}.oldPath`, value.oldPath)
  const before = side(`${field}.before`, value.before, value.beforeSha256)
  let after = side(`${field}.after`, value.after, value.afterSha256)
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new ValidationError(field, `${op} ${what}`)
  }
  need((op === "rename") === (oldPath !== null), "takes oldPath only for rename")
  need(oldPath !== path, "needs oldPath to differ from path")
  need(
    (op === "create") === (before === null),
    op === "create" ? "has no before content" : "needs before content",
  )
  if (op === "rename" && after === null) after = before
  need(
    (op === "delete") === (after === null),
    op === "delete" ? "has no after content" : "needs after content",
  )
  return {
    path,
    op,
    oldPath,
    before,
    after,
    mode: value.mode === undefined ? null : checkMode(`${field}.mode`, value.mode),
    toolInvocationId: optionalId(`${field}.toolInvocationId`, value.toolInvocationId),
  }
}

function side(field: string, content: unknown, sha: unknown): Side {
  if (content !== undefined && sha !== undefined) {
    throw new ValidationError(field, "give the content or its sha256, not both")
  }
  if (sha !== undefined) {
    if (!isSha256(sha))
      throw new ValidationError(`${field}Sha256`, "must be 64 lower-case hex digits")
    return { sha256: sha }
  }
  if (content === undefined || content === null) return null
  return { bytes: toBytes(field, content) }
}

function toBytes(field: string, content: unknown): Uint8Array {
  if (typeof content === "string") {
    if (!content.isWellFormed())
      throw new ValidationError(field, "must not contain lone surrogates")
    return Buffer.from(content, "utf8")
  }
  if (content instanceof Uint8Array) return content
  throw new ValidationError(field, "must be a string or a Uint8Array")
}
