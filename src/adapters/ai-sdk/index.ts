import type { UIMessage, UIMessageChunk } from "ai"
import {
  ConflictError,
  type JsonObject,
  NotFoundError,
  type Store,
  ValidationError,
} from "../../index.js"
import { fromStored } from "./messages.js"
import { type RecordedStream, type RecordStreamInput, recordStream } from "./record.js"
import { activeStreamId, type ResumeStreamOptions, resumeStream } from "./resume.js"
import { applySave, readAll, savePlan } from "./save.js"

export {
  type RecordedStream,
  type RecordStreamInput,
  STREAM_KINDS,
  type StreamStatus,
} from "./record.js"
export type { ResumeStreamOptions } from "./resume.js"

/** Options of `createChatStore`. */
export interface ChatStoreOptions {
  /** The agent name of the sessions chats are kept in. Default `"ai-sdk"`. */
  agent?: string
}

/** Input of `createChat`. */
export interface CreateChatInput {
  /** Default: a fresh store id. */
  id?: string
  title?: string | null
  metadata?: JsonObject
}

/** Input of `saveChat`, as the SDK's `onFinish` hands it over. */
export interface SaveChatInput<M extends UIMessage = UIMessage> {
  chatId: string
  messages: M[]
  /**
   * Also remove stored messages that `messages` no longer holds (the chat becomes exactly
   * `messages`, e.g. after a regenerate). Default `false`: stored messages missing from the
   * list are kept.
   */
  prune?: boolean
}

/** Chat persistence and resumable streams for the `ai` package, over any agentstore `Store`. */
export interface ChatStore<M extends UIMessage = UIMessage> {
  readonly store: Store
  readonly agent: string
  /** Creates an empty chat (a session) and returns its id. */
  createChat(input?: CreateChatInput): Promise<string>
  /** The chat's UI messages in order, exactly as saved. `NotFoundError` for an unknown chat. */
  loadChat(chatId: string): Promise<M[]>
  /**
   * Upserts by message id: new ids are appended in order, changed messages are replaced in
   * place, unchanged ones are left alone. Safe under concurrent saves of one chat; creates the
   * chat when it does not exist.
   */
  saveChat(input: SaveChatInput<M>): Promise<void>
  /** Records a UI message stream (chunks or SSE text) in the event log; see `recordStream`. */
  recordStream(input: RecordStreamInput): Promise<RecordedStream>
  /** The newest stream of the chat that has not ended, or `null`. */
  activeStreamId(chatId: string): Promise<string | null>
  /** Replays and follows a recorded stream; `null` when there is nothing to resume. */
  resumeStream(
    chatId: string,
    options?: ResumeStreamOptions,
  ): Promise<ReadableStream<UIMessageChunk> | null>
}

/**
 * Binds chat persistence to a store. Chats are sessions of `agent`; each UI message is one
 * message (same id and role, parts as content, other fields in `metadata.ui`), so the CLI shows
 * chats like any other transcript.
 * @example
 * const chats = createChatStore(await openStore("./.agentstore"))
 * const id = await chats.createChat()
 * // in the route: result.toUIMessageStreamResponse({
 * //   originalMessages: messages,
 * //   onFinish: ({ messages }) => chats.saveChat({ chatId: id, messages }),
 * //   consumeSseStream: ({ stream }) => chats.recordStream({ chatId: id, stream }),
 * // })
 */
export function createChatStore<M extends UIMessage = UIMessage>(
  store: Store,
  options: ChatStoreOptions = {},
): ChatStore<M> {
  const agent = options.agent ?? "ai-sdk"
  if (typeof agent !== "string" || agent.length === 0) {
    throw new ValidationError("agent", "must be a non-empty string")
  }
  return {
    store,
    agent,
    async createChat(input = {}) {
      return (await store.sessions.create({ ...input, agent })).id
    },
    async loadChat(chatId) {
      return (await readAll(store, chatId)).map((message) => fromStored<M>(message))
    },
    async saveChat(input) {
      const plan = savePlan(input.chatId, input.messages, input.prune ?? false)
      await ensureChat(store, agent, input.chatId)
      await applySave(store, plan)
    },
    recordStream: (input) => recordStream(store, agent, input),
    activeStreamId: (chatId) => activeStreamId(store, chatId),
    resumeStream: (chatId, resumeOptions) => resumeStream(store, chatId, resumeOptions),
  }
}

async function ensureChat(store: Store, agent: string, chatId: string): Promise<void> {
  try {
    await store.sessions.get(chatId)
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error
    await store.sessions.create({ agent, id: chatId }).catch((created: unknown) => {
      if (!(created instanceof ConflictError)) throw created
    })
  }
}
