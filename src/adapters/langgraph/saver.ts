import type { RunnableConfig } from "@langchain/core/runnables"
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointTuple,
  getCheckpointId,
  type PendingWrite,
  type SerializerProtocol,
  WRITES_IDX_MAP,
} from "@langchain/langgraph-checkpoint"
import { type Event, type EventQuery, type Store, ValidationError } from "../../index.js"
import { checkpointEventId, KINDS, namespaceEventId, threadSessionId } from "./keys.js"
import { type ListPlan, listMatches } from "./list.js"
import { allEvents, type BlobCache, findEvent, type ReadContext, toTuple } from "./read.js"
import { ThreadSessions } from "./threads.js"
import { appendAll, putEvents, type WriteContext, writeEvents } from "./write.js"

/** Options of `AgentStoreSaver`. */
export interface AgentStoreSaverOptions {
  /** The agent name of the sessions (threads) and events the saver writes. Default `"langgraph"`. */
  agent?: string
  /**
   * Serialized values larger than this many bytes go to the artifact store instead of an
   * event's `data`. Default 128 KiB; keep it well under the store's `limits.eventBytes`.
   */
  inlineBytes?: number
  /** The serializer; default LangGraph's `JsonPlusSerializer`. */
  serde?: SerializerProtocol
}

const DEFAULT_INLINE_BYTES = 128 * 1024

function configured(config: RunnableConfig, key: string): unknown {
  return (config.configurable as Record<string, unknown> | undefined)?.[key]
}

function requireString(config: RunnableConfig, key: string, call: string): string {
  const value = configured(config, key)
  if (typeof value !== "string" || value === "") {
    throw new ValidationError(`config.configurable.${key}`, `${call} needs a non-empty string`)
  }
  return value
}

function namespaceOf(config: RunnableConfig): string {
  const ns = configured(config, "checkpoint_ns") ?? ""
  if (typeof ns !== "string")
    throw new ValidationError("config.configurable.checkpoint_ns", "must be a string")
  return ns
}

/**
 * A LangGraph checkpointer on an agentstore `Store` (SQLite or PostgreSQL, any namespace).
 * A thread is a session (agent `langgraph`, titled by the thread id); each checkpoint, channel
 * value and pending write is an event of that session, so the CLI shows a thread like any other
 * session and `deleteThread` removes everything in one delete.
 * @example
 * const store = await openStore("./.agentstore")
 * const graph = builder.compile({ checkpointer: new AgentStoreSaver(store) })
 * await graph.invoke(input, { configurable: { thread_id: "ticket-42" } })
 */
export class AgentStoreSaver extends BaseCheckpointSaver {
  readonly #store: Store
  readonly #agent: string
  readonly #inlineBytes: number
  readonly #threads: ThreadSessions

  constructor(store: Store, options: AgentStoreSaverOptions = {}) {
    super(options.serde)
    this.#store = store
    this.#agent = options.agent ?? "langgraph"
    this.#inlineBytes = options.inlineBytes ?? DEFAULT_INLINE_BYTES
    if (!Number.isSafeInteger(this.#inlineBytes) || this.#inlineBytes < 0) {
      throw new ValidationError("inlineBytes", "must be a non-negative integer")
    }
    this.#threads = new ThreadSessions(store, this.#agent)
  }

  get #read(): ReadContext {
    return { store: this.#store, serde: this.serde, nextVersion: (v) => this.getNextVersion(v) }
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = configured(config, "thread_id")
    if (threadId === undefined) return undefined
    if (typeof threadId !== "string")
      throw new ValidationError("config.configurable.thread_id", "must be a string")
    const ns = namespaceOf(config)
    const id = getCheckpointId(config)
    const event = id
      ? await findEvent(this.#store, checkpointEventId(threadId, ns, id))
      : await this.#latest(threadId, ns)
    return event && event.kind === KINDS.checkpoint
      ? toTuple(this.#read, event, new Map())
      : undefined
  }

  async #latest(threadId: string, ns: string): Promise<Event | null> {
    const parentId = namespaceEventId(threadId, ns)
    const page = await this.#store.events.query({
      parentId,
      kinds: [KINDS.checkpoint],
      order: "desc",
      limit: 1,
    })
    return page.events[0] ?? null
  }

  async *list(
    config: RunnableConfig,
    options: CheckpointListOptions = {},
  ): AsyncGenerator<CheckpointTuple> {
    const plan = await this.#plan(config, options)
    let left = options.limit ?? Number.POSITIVE_INFINITY
    if (left <= 0) return
    const cache: BlobCache = new Map()
    for await (const event of allEvents(this.#store, plan.query)) {
      const metadata = await listMatches(this.#read, event, plan)
      if (metadata === undefined) continue
      yield await toTuple(this.#read, event, cache, metadata)
      if (--left <= 0) return
    }
  }

  /**
   * The indexed query behind `list`: a `(thread, namespace)` is the children of its anchor
   * event, from the `before` checkpoint's cursor down; a whole thread is its session; no thread
   * is every checkpoint of this saver's agent. Metadata filters are applied to the page rows.
   */
  async #plan(config: RunnableConfig, options: CheckpointListOptions): Promise<ListPlan> {
    const threadId = configured(config, "thread_id")
    const ns = configured(config, "checkpoint_ns")
    const before = options.before ? getCheckpointId(options.before) || undefined : undefined
    const page = Math.min(1000, Math.max(1, options.limit ?? 100))
    const query: EventQuery = { kinds: [KINDS.checkpoint], order: "desc", limit: page }
    if (typeof threadId !== "string" || threadId === "") query.agent = this.#agent
    else if (typeof ns !== "string") query.sessionId = threadSessionId(threadId)
    else {
      query.parentId = namespaceEventId(threadId, ns)
      const bound =
        before && (await findEvent(this.#store, checkpointEventId(threadId, ns, before)))
      if (bound) query.before = bound.cursor
    }
    const id = configured(config, "checkpoint_id")
    return {
      query,
      ...(typeof ns === "string" ? { ns } : {}),
      ...(typeof id === "string" && id !== "" ? { checkpointId: id } : {}),
      ...(before !== undefined ? { before } : {}),
      ...(options.filter ? { filter: options.filter } : {}),
    }
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const threadId = requireString(config, "thread_id", "put")
    const ns = namespaceOf(config)
    if (typeof checkpoint?.id !== "string" || checkpoint.id === "") {
      throw new ValidationError("checkpoint.id", "must be a non-empty string")
    }
    const parent = configured(config, "checkpoint_id")
    await this.#threads.write(threadId, async (sessionId) => {
      const ctx = this.#write(sessionId, threadId, ns)
      const parentId = typeof parent === "string" && parent !== "" ? parent : null
      await appendAll(
        this.#store,
        await putEvents(ctx, checkpoint, metadata, newVersions, parentId),
      )
    })
    return {
      configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpoint.id },
    }
  }

  async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath = "",
  ): Promise<void> {
    const threadId = requireString(config, "thread_id", "putWrites")
    const checkpointId = requireString(config, "checkpoint_id", "putWrites")
    const ns = namespaceOf(config)
    if (writes.length === 0) return
    const indexed = writes.map(([channel, value], i) => ({
      channel,
      value,
      idx: WRITES_IDX_MAP[channel] ?? i,
    }))
    await this.#threads.write(threadId, async (sessionId) => {
      const ctx = this.#write(sessionId, threadId, ns)
      await appendAll(this.#store, await writeEvents(ctx, checkpointId, indexed, taskId, taskPath))
    })
  }

  async deleteThread(threadId: string): Promise<void> {
    if (typeof threadId !== "string" || threadId === "") {
      throw new ValidationError("threadId", "must be a non-empty string")
    }
    await this.#threads.delete(threadId)
  }

  #write(sessionId: string, threadId: string, ns: string): WriteContext {
    const { serde } = this
    return {
      store: this.#store,
      sessionId,
      inlineBytes: this.#inlineBytes,
      serde,
      agent: this.#agent,
      threadId,
      ns,
    }
  }
}
