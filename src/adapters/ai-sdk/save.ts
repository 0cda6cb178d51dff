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
 * changed ones are replaced, new ones are appended in input order. A save that changes a stored
 * message rewrites the chat's tail from it with one `messages.replace` (one transaction), else
 * it appends; both are fenced by the sequence it read, and a save that loses a race re-reads
 * and tries again.
 */
export async function applySave(store: Store, plan: SavePlan): Promise<void> {
  let carry: StoredUiMessage[] = []
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
    const stored = await readAll(store, plan.chatId)
    const desired = desiredChat(stored, plan, carry)
    const keep = commonPrefix(stored, desired)
    if (keep === stored.length && keep === desired.length) return
    const tail = desired.slice(keep)
    try {
      await writeTail(store, plan.chatId, stored, keep, tail, (rest) => {
        carry = rest
      })
      return
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error
      await checkOwners(store, plan.chatId, error, unstored(stored, tail))
      await pause(attempt)
    }
  }
  throw new ConflictError(`chat ${plan.chatId} kept changing; the save gave up`, {
    id: plan.chatId,
    attempts: SAVE_ATTEMPTS,
  })
}

/**
 * Writes `tail` after the first `keep` stored messages, in batches of `maxBatch`. The first
 * batch replaces the stored rows after `keep` in one transaction, only while the chat still
 * ends with the message this save read; the others are appends fenced by the sequence the
 * previous batch left. `written` gets the rows still to write after each batch.
 */
async function writeTail(
  store: Store,
  chatId: string,
  stored: Message[],
  keep: number,
  tail: StoredUiMessage[],
  written: (rest: StoredUiMessage[]) => void,
): Promise<void> {
  const max = store.backend.capabilities.maxBatch
  const last = stored[stored.length - 1]
  let sequence = keep === 0 ? 0 : (stored[keep - 1] as Message).sequence
  for (let i = 0; i === 0 || i < tail.length; i += max) {
    const batch: MessageInput[] = tail.slice(i, i + max)
    if (i === 0 && last && keep < stored.length) {
      const fence = { expectedSequence: last.sequence, expectedLastId: last.id }
      await store.messages.replace(chatId, sequence, batch, fence)
    } else {
      await store.messages.appendMany(chatId, batch, { expectedSequence: sequence })
    }
    sequence += batch.length
    written(tail.slice(i + max))
  }
}

/**
 * Lets a conflict that is a race with another save of the chat be retried. Message ids are
 * unique in a namespace: a write refused because one of the ids it adds belongs to another
 * chat is not a race this save can win, and becomes a `ConflictError` naming that chat.
 */
async function checkOwners(
  store: Store,
  chatId: string,
  conflict: ConflictError,
  added: string[],
): Promise<void> {
  if (conflict.details.expectedSequence !== undefined) return
  const id = conflict.details.id
  for (const candidate of typeof id === "string" ? [id] : added) {
    const owner = await store.messages.get(candidate).then(
      (message) => message.sessionId,
      () => chatId,
    )
    if (owner === chatId) continue
    throw new ConflictError(
      `message ${candidate} is stored in another chat; message ids are unique in a namespace`,
      { id: candidate, chatId, otherChatId: owner },
      conflict,
    )
  }
}

/** The ids of `tail` that the chat did not hold when the save read it. */
function unstored(stored: Message[], tail: StoredUiMessage[]): string[] {
  const present = new Set(stored.map((message) => message.id))
  return tail.map((message) => message.id).filter((id) => !present.has(id))
}

/**
 * The whole chat as this save wants it, given what is stored now: stored messages in place
 * (replaced by this save's version), then rows an earlier attempt of this save removed and had
 * not written back yet (only a tail over `maxBatch` takes several writes), in their old order,
 * then the new messages in input order.
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

function asStored(message: Message): StoredUiMessage {
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
