import type { UIMessage } from "ai"
import {
  IntegrityError,
  type Json,
  type JsonObject,
  type Message,
  ValidationError,
} from "../../index.js"
import { canonical } from "../canonical.js"

/** The roles a UI message may have; they are stored as the message's role unchanged. */
const UI_ROLES = new Set(["system", "user", "assistant"])

/** The key of a stored message's metadata that keeps every UI message field besides id, role and parts. */
export const UI_FIELDS_KEY = "ui"

/** A UI message as the store keeps it: role, parts as content, the other fields in metadata. */
export interface StoredUiMessage {
  id: string
  role: string
  content: Json
  metadata: JsonObject
}

/**
 * Maps a UI message to a message input: `id` stays the UI message id, `role` stays the role,
 * `content` is the parts (so the CLI shows their text), and every other field (`metadata`,
 * anything an application added) is kept under `metadata.ui` for an exact round trip.
 */
export function toStored(message: unknown, field: string): StoredUiMessage {
  if (message === null || typeof message !== "object" || Array.isArray(message)) {
    throw new ValidationError(field, "must be a UI message object")
  }
  const { id, role, parts, ...rest } = message as Record<string, unknown>
  if (typeof id !== "string" || id.length === 0) {
    throw new ValidationError(`${field}.id`, "must be a non-empty string")
  }
  if (typeof role !== "string" || !UI_ROLES.has(role)) {
    throw new ValidationError(`${field}.role`, "must be system, user or assistant")
  }
  if (!Array.isArray(parts)) throw new ValidationError(`${field}.parts`, "must be an array")
  const fields = definedFields(rest)
  checkJson(`${field}.parts`, parts, 0)
  checkJson(field, fields, 0)
  return {
    id,
    role,
    content: parts as Json,
    metadata: Object.keys(fields).length === 0 ? {} : { [UI_FIELDS_KEY]: fields as JsonObject },
  }
}

/** Rebuilds the UI message from a stored one; a row that cannot be one is an `IntegrityError`. */
export function fromStored<M extends UIMessage>(message: Message): M {
  const at = { sessionId: message.sessionId, id: message.id, sequence: message.sequence }
  if (!UI_ROLES.has(message.role) || !Array.isArray(message.content)) {
    throw new IntegrityError(
      `message ${message.id} of chat ${message.sessionId} is not a UI message (role ${message.role})`,
      at,
    )
  }
  const fields = message.metadata[UI_FIELDS_KEY]
  if (
    fields !== undefined &&
    (fields === null || typeof fields !== "object" || Array.isArray(fields))
  ) {
    throw new IntegrityError(`message ${message.id} has corrupt UI message fields`, at)
  }
  return { id: message.id, role: message.role, ...(fields ?? {}), parts: message.content } as M
}

/** True when the stored message already holds exactly this UI message. */
export function sameStored(stored: Message, wanted: StoredUiMessage): boolean {
  return (
    stored.role === wanted.role &&
    canonical(stored.content) === canonical(wanted.content) &&
    canonical(stored.metadata[UI_FIELDS_KEY] ?? null) ===
      canonical(wanted.metadata[UI_FIELDS_KEY] ?? null)
  )
}

function definedFields(rest: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) fields[key] = value
  return fields
}

/**
 * Refuses what the store would refuse after a save has started (so bad input changes nothing):
 * values that are not plain JSON — BigInt, functions, Dates and other class instances,
 * non-finite numbers, `undefined` in arrays, nesting deeper than the store allows.
 */
function checkJson(path: string, value: unknown, depth: number): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new ValidationError(path, "must be a finite number")
    return
  }
  if (typeof value !== "object") throw new ValidationError(path, `cannot store a ${typeof value}`)
  if (depth >= 120) throw new ValidationError(path, "nests too deep")
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (item === undefined) throw new ValidationError(`${path}[${i}]`, "cannot be undefined")
      checkJson(`${path}[${i}]`, item, depth + 1)
    })
    return
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) {
    throw new ValidationError(path, "must be a plain object")
  }
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) checkJson(`${path}.${key}`, item, depth + 1)
  }
}
