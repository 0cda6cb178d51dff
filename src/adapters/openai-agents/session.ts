import {
  type AgentInputItem,
  applySessionHistoryMutations,
  type SessionHistoryRewriteArgs,
  type SessionHistoryRewriteAwareSession,
  type SessionHistoryTransactionArgs,
  type SessionHistoryTransactionAwareSession,
} from "@openai/agents-core"
import {
  isAgentStoreError,
  type JsonObject,
  type Message,
  type Store,
  ValidationError,
} from "../../index.js"
import { canonical } from "../canonical.js"
import { readMessages } from "./history.js"
import { itemToMessage, messageToItem } from "./items.js"
import { applyTransaction } from "./transactions.js"

/** Options for `createOpenAIAgentsSession`. */
export interface OpenAIAgentsSessionOptions {
  /** Resume this agentstore session; it is created under this id when it does not exist. */
  sessionId?: string
  /** The agent a new session is filed under (`agentstore sessions list` shows it). */
  agent?: string
  /** Title of a new session. */
  title?: string
  /** Metadata of a new session. */
  metadata?: JsonObject
}

/** A `Session` for `@openai/agents-core` backed by an agentstore session's messages. */
export interface AgentStoreSession
  extends SessionHistoryTransactionAwareSession,
    SessionHistoryRewriteAwareSession {
  /** The store the history lives in. */
  readonly store: Store
}

const DEFAULT_AGENT = "openai-agents"
/** How often a rewrite that lost a race with another writer reads and tries again. */
const REWRITE_ATTEMPTS = 5

/** @internal The class behind `createOpenAIAgentsSession`. */
export class StoreSession implements AgentStoreSession {
  readonly store: Store
  readonly #options: OpenAIAgentsSessionOptions
  #id: Promise<string> | undefined

  constructor(store: Store, options: OpenAIAgentsSessionOptions) {
    this.store = store
    this.#options = Object.freeze({ ...options })
  }

  getSessionId(): Promise<string> {
    this.#id ??= this.#ensure().catch((error: unknown) => {
      this.#id = undefined
      throw error
    })
    return this.#id
  }

  async getItems(limit?: number): Promise<AgentInputItem[]> {
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new ValidationError("limit", "must be a non-negative integer")
    }
    const id = await this.getSessionId()
    if (limit === 0) return []
    return (await readMessages(this.store, id, limit)).map(messageToItem)
  }

  async addItems(items: AgentInputItem[]): Promise<void> {
    if (!Array.isArray(items)) throw new ValidationError("items", "must be an array")
    const id = await this.getSessionId()
    const max = this.store.backend.capabilities.maxBatch
    for (let i = 0; i < items.length; i += max) {
      await this.store.messages.appendMany(
        id,
        items.slice(i, i + max).map((item) => itemToMessage(item)),
      )
    }
  }

  async popItem(): Promise<AgentInputItem | undefined> {
    const popped = await this.store.messages.pop(await this.getSessionId())
    return popped === null ? undefined : messageToItem(popped)
  }

  async clearSession(): Promise<void> {
    await this.store.messages.truncate(await this.getSessionId(), 0)
  }

  async applyHistoryTransaction(args: SessionHistoryTransactionArgs): Promise<void> {
    await applyTransaction(this.store, await this.getSessionId(), args)
  }

  async applyHistoryMutations(args: SessionHistoryRewriteArgs): Promise<void> {
    if (!args || !Array.isArray(args.mutations)) {
      throw new ValidationError("mutations", "must be an array")
    }
    if (args.mutations.length === 0) return
    const id = await this.getSessionId()
    for (let attempt = 0; ; attempt++) {
      const messages = await readMessages(this.store, id)
      try {
        await this.#rewrite(id, messages, args)
        return
      } catch (error) {
        const raced = isAgentStoreError(error) && error.code === "CONFLICT"
        if (!raced || attempt >= REWRITE_ATTEMPTS) throw error
      }
    }
  }

  /** Writes the mutated history from its first changed item on, if the history is unchanged. */
  async #rewrite(id: string, messages: Message[], args: SessionHistoryRewriteArgs) {
    const items = messages.map(messageToItem)
    const next = applySessionHistoryMutations(items, args.mutations)
    let same = 0
    while (
      same < items.length &&
      same < next.length &&
      canonical(items[same]) === canonical(next[same])
    )
      same++
    if (same === items.length && same === next.length) return
    const last = messages[messages.length - 1]
    await this.store.messages.replace(
      id,
      same,
      next.slice(same).map((item) => itemToMessage(item)),
      {
        expectedSequence: last?.sequence ?? 0,
        ...(last ? { expectedLastId: last.id } : {}),
      },
    )
  }

  async #ensure(): Promise<string> {
    const { sessionId, agent = DEFAULT_AGENT, title, metadata } = this.#options
    const input = {
      agent,
      ...(title === undefined ? {} : { title }),
      ...(metadata === undefined ? {} : { metadata }),
    }
    if (sessionId === undefined) return (await this.store.sessions.create(input)).id
    try {
      return (await this.store.sessions.get(sessionId)).id
    } catch (error) {
      if (!isAgentStoreError(error) || error.code !== "NOT_FOUND") throw error
    }
    try {
      return (await this.store.sessions.create({ ...input, id: sessionId })).id
    } catch (error) {
      if (!isAgentStoreError(error) || error.code !== "CONFLICT") throw error
      return (await this.store.sessions.get(sessionId)).id
    }
  }
}
