import {
  ConflictError,
  type Message,
  type MessageInput,
  type Store,
  ValidationError,
} from "../../index.js"
import { type StoredUiMessage, sameStored, toStored } from "./messages.js"

/** How many times a save re-reads the chat after losing a race before it gives up. */
const SAVE_ATTEMPTS = 25

/** What one save wants the chat to hold. */
export interface SavePlan {
  chatId: string
  wanted: StoredUiMessage[]
  prune: boolean
}

/** Validates the input of `saveChat` into a plan; nothing is written on bad input. */
export function savePlan(chatId: string, messages: unknown, prune: boolean): SavePlan {
  if (!Array.isArray(messages)) throw new ValidationError("messages", "must be an array")
  const wanted = messages.map((message, i) => toStored(message, `messages[${i}]`))
  const ids = new Set(wanted.map((message) => message.id))
  if (ids.size !== wanted.length) throw new ValidationError("messages", "ids must be distinct")
  return { chatId, wanted, prune }
}

/** Every message of a chat, oldest first. */
export async function readAll(store: Store, chatId: string): Promise<Message[]> {
  const all: Message[] = []
  let after = 0
  for (;;) {
    const page = await store.messages.list(chatId, { after, limit: 1000 })
    all.push(...page.messages)
    if (!page.hasMore || page.nextCursor === undefined) return all
    after = page.nextCursor
  }
}

/**
 * Brings the stored chat to the plan: stored messages keep their place (or go, with `prune`),
 * changed ones are replaced, new ones are appended in input order. Writes are an append fenced
 * by `expectedSequence`, after a truncate when a stored message changed; a save that loses a
 * race re-reads and tries again, carrying the rows it removed so no concurrent save loses them.
 */
export async function applySave(store: Store, plan: SavePlan): Promise<void> {
  let carry: StoredUiMessage[] = []
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
    const stored = await readAll(store, plan.chatId)
    const desired = desiredChat(stored, plan, carry)
    const keep = commonPrefix(stored, desired)
    if (keep === stored.length && keep === desired.length) return
    try {
      const base = keep === 0 ? 0 : (stored[keep - 1] as Message).sequence
      if (keep < stored.length) {
        const removed = await store.messages.truncate(plan.chatId, base)
        carry = mergeCarry(carry, removed)
        if (!sameIds(removed, stored.slice(keep))) continue
      }
      await appendFrom(store, plan.chatId, desired.slice(keep), base)
      return
    } catch (error) {
      const retry = error instanceof ConflictError && (await raced(store, plan.chatId, error))
      if (!retry) {
        if (carry.length > 0) await restore(store, plan.chatId, carry)
        throw error
      }
      await pause(attempt)
    }
  }
  throw new ConflictError(`chat ${plan.chatId} kept changing; the save gave up`, {
    id: plan.chatId,
    attempts: SAVE_ATTEMPTS,
  })
}

/**
 * True when the conflict is a race with another save of the chat. Message ids are unique in a
 * namespace: a conflict with a message of another chat is not a race this save can win.
 */
async function raced(store: Store, chatId: string, conflict: ConflictError): Promise<boolean> {
  const id = conflict.details.id
  if (typeof id !== "string" || conflict.details.expectedSequence !== undefined) return true
  const owner = await store.messages.get(id).then(
    (message) => message.sessionId,
    () => chatId,
  )
  if (owner === chatId) return true
  throw new ConflictError(
    `message ${id} is stored in another chat; message ids are unique in a namespace`,
    { id, chatId, otherChatId: owner },
    conflict,
  )
}

/**
 * The whole chat as this save wants it, given what is stored now: stored messages in place
 * (replaced by this save's version), then rows a truncate of this save removed, in their old
 * order, then the new messages in input order.
 */
function desiredChat(
  stored: Message[],
  plan: SavePlan,
  carry: StoredUiMessage[],
): StoredUiMessage[] {
  const wanted = new Map(plan.wanted.map((message) => [message.id, message]))
  const present = new Set(stored.map((message) => message.id))
  const desired: StoredUiMessage[] = []
  for (const message of stored) {
    const replacement = wanted.get(message.id)
    if (replacement) desired.push(replacement)
    else if (!plan.prune) desired.push(asStored(message))
  }
  for (const message of carry) {
    if (present.has(message.id)) continue
    const version = wanted.get(message.id) ?? (plan.prune ? undefined : message)
    if (version) desired.push(version)
    present.add(message.id)
  }
  for (const message of plan.wanted) if (!present.has(message.id)) desired.push(message)
  return desired
}

function commonPrefix(stored: Message[], desired: StoredUiMessage[]): number {
  let i = 0
  while (i < stored.length && i < desired.length) {
    const a = stored[i] as Message
    const b = desired[i] as StoredUiMessage
    if (a.id !== b.id || !sameStored(a, b)) break
    i++
  }
  return i
}

/** Appends the tail in batches, each fenced by the sequence the previous one left. */
async function appendFrom(
  store: Store,
  chatId: string,
  tail: StoredUiMessage[],
  base: number,
): Promise<void> {
  const max = store.backend.capabilities.maxBatch
  let sequence = base
  for (let i = 0; i < tail.length; i += max) {
    const batch = tail.slice(i, i + max).map(toInput)
    await store.messages.appendMany(chatId, batch, { expectedSequence: sequence })
    sequence += batch.length
  }
}

/** Puts back the rows a failed save removed and no other save has stored since. */
async function restore(store: Store, chatId: string, carry: StoredUiMessage[]): Promise<void> {
  const present = new Set((await readAll(store, chatId)).map((message) => message.id))
  const missing = carry.filter((message) => !present.has(message.id)).map(toInput)
  const max = store.backend.capabilities.maxBatch
  for (let i = 0; i < missing.length; i += max) {
    await store.messages.appendMany(chatId, missing.slice(i, i + max))
  }
}

function mergeCarry(carry: StoredUiMessage[], removed: Message[]): StoredUiMessage[] {
  const byId = new Map(carry.map((message) => [message.id, message]))
  for (const message of removed) if (!byId.has(message.id)) byId.set(message.id, asStored(message))
  return [...byId.values()]
}

function sameIds(a: Message[], b: Message[]): boolean {
  return a.length === b.length && a.every((message, i) => message.id === b[i]?.id)
}

function asStored(message: Message): StoredUiMessage {
  return {
    id: message.id,
    role: message.role,
    content: message.content,
    metadata: message.metadata,
  }
}

function toInput(message: StoredUiMessage): MessageInput {
  return {
    id: message.id,
    role: message.role,
    content: message.content,
    metadata: message.metadata,
  }
}

function pause(attempt: number): Promise<void> {
  const ms = Math.min(50, 1 + attempt * 2) * Math.random()
  return new Promise((resolve) => setTimeout(resolve, ms))
}
