import type { AgentInputItem } from "@openai/agents-core"
import { isId } from "../../core/validation.js"
import {
  IntegrityError,
  type Json,
  type JsonObject,
  type Message,
  type MessageInput,
} from "../../index.js"

/** The metadata key under which a message keeps what it needs to rebuild its item. */
export const ITEM_KEY = "openaiAgents"

/** Marks the first message a history transaction wrote: its operation id and content digest. */
export interface OperationMark {
  id: string
  digest: string
}

/** What a message's metadata holds besides the readable content. */
interface ItemMeta {
  /** The item field stored as the message's content, or null when content is the whole item. */
  body: string | null
  /** The item with `body` set to null (keeps the field order), absent when `body` is null. */
  item?: JsonObject
  op?: OperationMark
}

const MESSAGE_ROLES = new Set(["user", "assistant", "system", "developer"])

/** The field whose value reads best in a transcript, per item type. */
function bodyField(item: JsonObject): string | null {
  const type = item.type ?? (typeof item.role === "string" ? "message" : undefined)
  switch (type) {
    case "message":
    case "reasoning":
      return "content"
    case "function_call":
      return "arguments"
    case "function_call_result":
    case "computer_call_result":
    case "shell_call_output":
    case "apply_patch_call_output":
      return "output"
    default:
      return null
  }
}

function roleOf(item: JsonObject): string {
  if (typeof item.role === "string" && MESSAGE_ROLES.has(item.role)) return item.role
  const type = typeof item.type === "string" ? item.type : ""
  return /_(result|output)$/.test(type) ? "tool" : "assistant"
}

function nameOf(item: JsonObject): string | undefined {
  if (typeof item.name === "string" && item.name.length > 0) return item.name
  return item.type === "message" || typeof item.type !== "string" ? undefined : item.type
}

/**
 * Maps an item to a message: role and a readable body (a message's content, a call's
 * arguments, a result's output) go where the CLI shows them; the rest of the item goes to
 * metadata, so `messageToItem` rebuilds it field for field, in the same order.
 */
export function itemToMessage(item: AgentInputItem, op?: OperationMark): MessageInput {
  const record = item as unknown as JsonObject
  let body = bodyField(record)
  if (body !== null && record[body] === undefined) body = null
  const meta: ItemMeta = { body }
  if (body !== null) meta.item = { ...record, [body]: null }
  if (op) meta.op = op
  const message: MessageInput = {
    role: roleOf(record),
    content: body === null ? record : (record[body] as Json),
    metadata: { [ITEM_KEY]: meta as unknown as JsonObject },
  }
  const name = nameOf(record)
  if (name !== undefined) message.name = name
  if (isId(record.callId)) {
    message.toolCallId = record.callId
  }
  return message
}

/** Rebuilds the item a message stores; a message written by other means reads as a message item. */
export function messageToItem(message: Message): AgentInputItem {
  const meta = itemMeta(message)
  if (!meta)
    return { type: "message", role: message.role, content: message.content } as AgentInputItem
  if (meta.body === null) return message.content as unknown as AgentInputItem
  const body = meta.body
  const item = meta.item as JsonObject
  const rebuilt: JsonObject = {}
  for (const key of Object.keys(item))
    rebuilt[key] = key === body ? message.content : (item[key] as Json)
  return rebuilt as unknown as AgentInputItem
}

/** The operation a message marks, if it is the first one a history transaction wrote. */
export function operationOf(message: Message): OperationMark | undefined {
  return itemMeta(message)?.op
}

function itemMeta(message: Message): ItemMeta | undefined {
  const meta = message.metadata[ITEM_KEY]
  if (meta === undefined) return undefined
  const ok =
    meta !== null &&
    typeof meta === "object" &&
    !Array.isArray(meta) &&
    (meta.body === null ||
      (typeof meta.body === "string" && isObject(meta.item) && meta.body in meta.item))
  if (!ok) {
    throw new IntegrityError(`message ${message.id} holds a malformed ${ITEM_KEY} record`, {
      id: message.id,
      sessionId: message.sessionId,
    })
  }
  if (meta.body === null && !isObject(message.content)) {
    throw new IntegrityError(`message ${message.id} should hold a whole item as its content`, {
      id: message.id,
    })
  }
  return meta as unknown as ItemMeta
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value)
}
