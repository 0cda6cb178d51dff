import {
  type Checkpoint,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  maxChannelVersion,
  type SerializerProtocol,
  TASKS,
} from "@langchain/langgraph-checkpoint"
import {
  type Event,
  type EventQuery,
  IntegrityError,
  type Json,
  NotFoundError,
  type Store,
} from "../../index.js"
import { blobEventId, checkpointEventId, KINDS } from "./keys.js"
import { compareWrites } from "./order.js"
import { payloadData } from "./payload.js"

/** What reading needs: the store, the saver's serde, and its version function. */
export interface ReadContext {
  store: Store
  serde: SerializerProtocol
  nextVersion(current: undefined): number | string
}

/** The fields of a checkpoint event's `data`. */
export interface CheckpointData {
  threadId: string
  checkpointNs: string
  checkpointId: string
  parentCheckpointId: string | null
  checkpoint: Json
  metadata: Json
}

/** Blob events already read during one call, by id (a thread's checkpoints share versions). */
export type BlobCache = Map<string, Promise<Event | null>>

/** Every event matching `query`, oldest first unless `order` says otherwise, page by page. */
export async function* allEvents(store: Store, query: EventQuery): AsyncGenerator<Event> {
  let page = await store.events.query(query)
  yield* page.events
  while (page.hasMore && page.nextCursor !== undefined) {
    const next = query.order === "desc" ? { before: page.nextCursor } : { after: page.nextCursor }
    page = await store.events.query({ ...query, ...next })
    yield* page.events
  }
}

/** One event by id, or `null` when it does not exist. */
export async function findEvent(store: Store, id: string): Promise<Event | null> {
  try {
    return await store.events.get(id)
  } catch (error) {
    if (error instanceof NotFoundError) return null
    throw error
  }
}

/** Deserializes a stored payload; a payload the serde cannot read is an `IntegrityError`. */
export async function decode(ctx: ReadContext, payload: Json, owner: string): Promise<unknown> {
  const { type, data } = await payloadData(ctx.store, payload, owner)
  try {
    return await ctx.serde.loadsTyped(type, data)
  } catch (error) {
    throw new IntegrityError(
      `langgraph event ${owner} cannot be deserialized`,
      { id: owner },
      error,
    )
  }
}

/** The typed `data` of a checkpoint event. */
export function checkpointData(event: Event): CheckpointData {
  const data = event.data as unknown as CheckpointData
  if (event.kind !== KINDS.checkpoint || typeof data?.checkpointId !== "string") {
    throw new IntegrityError(`event ${event.id} is not a langgraph checkpoint`, { id: event.id })
  }
  return data
}

async function channelValues(
  ctx: ReadContext,
  data: CheckpointData,
  versions: Record<string, number | string>,
  cache: BlobCache,
): Promise<Record<string, unknown>> {
  const entries = await Promise.all(
    Object.entries(versions).map(async ([channel, version]) => {
      const id = blobEventId(data.threadId, data.checkpointNs, channel, String(version))
      const found = cache.get(id) ?? findEvent(ctx.store, id)
      cache.set(id, found)
      const event = await found
      const value = (event?.data as { value?: Json } | undefined)?.value
      if (!event || (value as { type?: string })?.type === "empty") return undefined
      return [channel, await decode(ctx, value as Json, event.id)] as const
    }),
  )
  return Object.fromEntries(entries.filter((entry) => entry !== undefined))
}

interface WriteData {
  taskId: string
  taskPath: string
  idx: number
  channel: string
  value: Json
}

/**
 * The pending writes of one checkpoint in `writesSortKey` order. A regular write (idx ≥ 0)
 * keeps its first stored value; a special one (error, interrupt, resume: idx < 0) its last.
 */
export async function pendingWrites(
  ctx: ReadContext,
  checkpointEvent: string,
): Promise<CheckpointPendingWrite[]> {
  const kept = new Map<string, { data: WriteData; id: string }>()
  const query = { parentId: checkpointEvent, kinds: [KINDS.write], limit: 1000 }
  for await (const event of allEvents(ctx.store, query)) {
    const data = event.data as unknown as WriteData
    const key = JSON.stringify([data.taskId, data.idx])
    if (data.idx >= 0 && kept.has(key)) continue
    kept.set(key, { data, id: event.id })
  }
  const sorted = [...kept.values()].sort((a, b) => compareWrites(a.data, b.data))
  return Promise.all(
    sorted.map(
      async ({ data, id }): Promise<CheckpointPendingWrite> => [
        data.taskId,
        data.channel,
        await decode(ctx, data.value, id),
      ],
    ),
  )
}

async function migratePendingSends(
  ctx: ReadContext,
  checkpoint: Checkpoint,
  data: CheckpointData & { parentCheckpointId: string },
): Promise<void> {
  const parent = checkpointEventId(data.threadId, data.checkpointNs, data.parentCheckpointId)
  const writes = await pendingWrites(ctx, parent)
  checkpoint.channel_values ??= {}
  checkpoint.channel_values[TASKS] = writes.filter(([, ch]) => ch === TASKS).map(([, , v]) => v)
  checkpoint.channel_versions ??= {}
  const versions = Object.values(checkpoint.channel_versions)
  checkpoint.channel_versions[TASKS] =
    versions.length > 0 ? maxChannelVersion(...versions) : ctx.nextVersion(undefined)
}

function configOf(threadId: string, ns: string, checkpointId: string) {
  return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpointId } }
}

/** Builds the tuple LangGraph expects from a checkpoint event (metadata already decoded or not). */
export async function toTuple(
  ctx: ReadContext,
  event: Event,
  cache: BlobCache,
  metadata?: CheckpointMetadata,
): Promise<CheckpointTuple> {
  const data = checkpointData(event)
  const skeleton = (await decode(ctx, data.checkpoint, event.id)) as Omit<
    Checkpoint,
    "channel_values"
  >
  const checkpoint: Checkpoint = {
    ...skeleton,
    channel_values: await channelValues(ctx, data, skeleton.channel_versions ?? {}, cache),
  }
  const parent = data.parentCheckpointId
  if (checkpoint.v < 4 && parent !== null) {
    await migratePendingSends(ctx, checkpoint, { ...data, parentCheckpointId: parent })
  }
  const tuple: CheckpointTuple = {
    config: configOf(data.threadId, data.checkpointNs, data.checkpointId),
    checkpoint,
    metadata: metadata ?? ((await decode(ctx, data.metadata, event.id)) as CheckpointMetadata),
    pendingWrites: await pendingWrites(ctx, event.id),
  }
  if (parent !== null) tuple.parentConfig = configOf(data.threadId, data.checkpointNs, parent)
  return tuple
}
