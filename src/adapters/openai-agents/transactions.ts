import { createHash } from "node:crypto"
import type { AgentInputItem, SessionHistoryTransactionArgs } from "@openai/agents-core"
import {
  ConflictError,
  isAgentStoreError,
  type Message,
  type MessageInput,
  type Store,
  ValidationError,
} from "../../index.js"
import { canonical } from "../canonical.js"
import { readMessages } from "./history.js"
import { itemToMessage, messageToItem, type OperationMark, operationOf } from "./items.js"

/** How often a transaction that lost a race is checked and tried again. */
const ATTEMPTS = 5

interface CheckedTransaction {
  operationId: string
  digest: string
  kind: "append_items" | "replace_suffix"
  items: AgentInputItem[]
  expectedSuffix: AgentInputItem[]
}

/**
 * Applies a history transaction once: its items are written with ids derived from the
 * operation id, and the first one carries the operation's digest, in the same write as the
 * change. A repeat finds that message and returns; another transaction under the same id, or
 * a suffix that no longer matches, is a `ConflictError` that changes nothing.
 */
export async function applyTransaction(
  store: Store,
  sessionId: string,
  args: SessionHistoryTransactionArgs,
): Promise<void> {
  const tx = checkTransaction(args)
  const ids = operationIds(sessionId, tx.operationId)
  for (let attempt = 0; ; attempt++) {
    if (await alreadyApplied(store, ids(0), tx)) return
    try {
      if (tx.kind === "append_items") {
        if (tx.items.length > 0) await store.messages.appendMany(sessionId, rows(tx, ids))
      } else {
        await replaceSuffix(store, sessionId, tx, ids)
      }
      return
    } catch (error) {
      const raced = isAgentStoreError(error) && error.code === "CONFLICT" && attempt < ATTEMPTS
      if (!raced || (error as ConflictError).details.suffix === true) throw error
    }
  }
}

async function replaceSuffix(
  store: Store,
  sessionId: string,
  tx: CheckedTransaction,
  ids: (i: number) => string,
): Promise<void> {
  const n = tx.expectedSuffix.length
  const read = await readMessages(store, sessionId, Math.max(n, 1))
  const suffix = n === 0 ? [] : read.slice(-n)
  const matches =
    suffix.length === n &&
    suffix.every((m, i) => canonical(messageToItem(m)) === canonical(tx.expectedSuffix[i]))
  if (!matches) {
    throw new ConflictError(`session ${sessionId} history no longer ends with the expected items`, {
      sessionId,
      operationId: tx.operationId,
      suffix: true,
    })
  }
  const last: Message | undefined = read[read.length - 1]
  const lastSequence = last?.sequence ?? 0
  await store.messages.replace(sessionId, lastSequence - n, rows(tx, ids), {
    expectedSequence: lastSequence,
    ...(last ? { expectedLastId: last.id } : {}),
  })
}

async function alreadyApplied(
  store: Store,
  firstId: string,
  tx: CheckedTransaction,
): Promise<boolean> {
  let first: Message
  try {
    first = await store.messages.get(firstId)
  } catch (error) {
    if (isAgentStoreError(error) && error.code === "NOT_FOUND") return false
    throw error
  }
  if (operationOf(first)?.digest === tx.digest) return true
  throw new ConflictError(
    `history operation ${tx.operationId} was already applied with a different transaction`,
    { operationId: tx.operationId, suffix: true },
  )
}

function rows(tx: CheckedTransaction, ids: (i: number) => string): MessageInput[] {
  const mark: OperationMark = { id: tx.operationId, digest: tx.digest }
  return tx.items.map((item, i) => ({
    ...itemToMessage(item, i === 0 ? mark : undefined),
    id: ids(i),
  }))
}

/** Message ids for an operation's items: stable across retries, distinct across sessions. */
function operationIds(sessionId: string, operationId: string): (i: number) => string {
  const key = createHash("sha256").update(`${sessionId}\u0000${operationId}`).digest("hex")
  return (i) => `oai.${key.slice(0, 40)}.${i}`
}

function checkTransaction(args: SessionHistoryTransactionArgs): CheckedTransaction {
  if (args === null || typeof args !== "object")
    throw new ValidationError("args", "must be an object")
  const { operationId, transaction } = args
  if (typeof operationId !== "string" || operationId.trim() === "") {
    throw new ValidationError("operationId", "must be a non-empty string")
  }
  if (transaction === null || typeof transaction !== "object") {
    throw new ValidationError("transaction", "must be an object")
  }
  const digest = createHash("sha256").update(canonical(transaction)).digest("hex")
  if (transaction.type === "append_items") {
    return {
      operationId,
      digest,
      kind: transaction.type,
      items: itemList("items", transaction.items),
      expectedSuffix: [],
    }
  }
  if (transaction.type !== "replace_suffix") {
    throw new ValidationError("transaction.type", "must be append_items or replace_suffix")
  }
  const items = itemList("replacement", transaction.replacement)
  if (items.length === 0) {
    throw new ValidationError(
      "transaction.replacement",
      "must not be empty: its first item records the operation id",
    )
  }
  const expectedSuffix = itemList("expectedSuffix", transaction.expectedSuffix)
  return { operationId, digest, kind: transaction.type, items, expectedSuffix }
}

function itemList(field: string, value: unknown): AgentInputItem[] {
  const ok =
    Array.isArray(value) &&
    value.every((item) => item !== null && typeof item === "object" && !Array.isArray(item))
  if (!ok) throw new ValidationError(`transaction.${field}`, "must be an array of items")
  return value as AgentInputItem[]
}
