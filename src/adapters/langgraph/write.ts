import type {
  ChannelVersions,
  Checkpoint,
  SerializerProtocol,
} from "@langchain/langgraph-checkpoint"
import { ConflictError, type EventInput, type Store } from "../../index.js"
import { blobEventId, checkpointEventId, KINDS, namespaceEventId, writeEventId } from "./keys.js"
import { artifactOf, type PayloadTarget, toPayload } from "./payload.js"

/** One thread's write context: where payloads go and which agent names the events. */
export interface WriteContext extends PayloadTarget {
  serde: SerializerProtocol
  agent: string
  threadId: string
  ns: string
}

function base(ctx: WriteContext, kind: string): EventInput {
  return { kind, sessionId: ctx.sessionId, agent: ctx.agent }
}

/** The value of one channel at one version (`type: "empty"` when the checkpoint lacks it). */
async function blobEvent(
  ctx: WriteContext,
  values: Record<string, unknown>,
  channel: string,
  version: number | string,
): Promise<EventInput> {
  const id = blobEventId(ctx.threadId, ctx.ns, channel, String(version))
  const value = Object.hasOwn(values, channel)
    ? await toPayload(ctx, id, await ctx.serde.dumpsTyped(values[channel]))
    : { type: "empty", size: 0 }
  const event = { ...base(ctx, KINDS.blob), id, data: { channel, version, value } }
  return { ...event, artifactRef: artifactOf(value) }
}

/**
 * The events of one `put`: the `(thread, namespace)` anchor, one blob per channel in
 * `newVersions` (as LangGraph's PostgreSQL saver does), and the checkpoint, whose parent is the
 * anchor so a thread's checkpoints are one indexed range.
 */
export async function putEvents(
  ctx: WriteContext,
  checkpoint: Checkpoint,
  metadata: unknown,
  newVersions: ChannelVersions,
  parentCheckpointId: string | null,
): Promise<EventInput[]> {
  const anchor = namespaceEventId(ctx.threadId, ctx.ns)
  const id = checkpointEventId(ctx.threadId, ctx.ns, checkpoint.id)
  const { channel_values: values, ...skeleton } = checkpoint
  const [blobs, stored, meta] = await Promise.all([
    Promise.all(Object.entries(newVersions).map(([ch, v]) => blobEvent(ctx, values ?? {}, ch, v))),
    ctx.serde.dumpsTyped(skeleton).then((bytes) => toPayload(ctx, `${id}.c`, bytes)),
    ctx.serde.dumpsTyped(metadata).then((bytes) => toPayload(ctx, `${id}.m`, bytes)),
  ])
  const namespace = { threadId: ctx.threadId, checkpointNs: ctx.ns }
  const data = {
    ...readable(metadata),
    checkpointId: checkpoint.id,
    parentCheckpointId,
    ...namespace,
  }
  return [
    { ...base(ctx, KINDS.namespace), id: anchor, data: namespace },
    ...blobs,
    {
      ...base(ctx, KINDS.checkpoint),
      id,
      parentId: anchor,
      data: { ...data, checkpoint: stored, metadata: meta },
      artifactRef: artifactOf(stored, meta),
    },
  ]
}

function readable(metadata: unknown): { source?: string; step?: number } {
  const m = metadata as { source?: unknown; step?: unknown } | null
  const out: { source?: string; step?: number } = {}
  if (typeof m?.source === "string") out.source = m.source
  if (typeof m?.step === "number" && Number.isSafeInteger(m.step)) out.step = m.step
  return out
}

/**
 * The events of one `putWrites`, children of the checkpoint's event. Regular writes have ids
 * derived from `(task, idx)`, so a re-sent write is stored once; special writes (error,
 * interrupt, resume, scheduled) replace earlier ones, so each is a new event and the last wins.
 */
export async function writeEvents(
  ctx: WriteContext,
  checkpointId: string,
  writes: { channel: string; value: unknown; idx: number }[],
  taskId: string,
  taskPath: string,
): Promise<EventInput[]> {
  const parentId = checkpointEventId(ctx.threadId, ctx.ns, checkpointId)
  return Promise.all(
    writes.map(async ({ channel, value, idx }) => {
      const key = writeEventId(ctx.threadId, ctx.ns, checkpointId, taskId, idx)
      const payload = await toPayload(ctx, key, await ctx.serde.dumpsTyped(value))
      const data = { checkpointId, taskId, taskPath, idx, channel, value: payload }
      const event: EventInput = { ...base(ctx, KINDS.write), parentId, data }
      if (idx >= 0) event.id = key
      return { ...event, artifactRef: artifactOf(payload) }
    }),
  )
}

/**
 * Appends `events` in one transaction. When one of them was stored before with other content
 * (a channel version or a regular write sent again with a different value), the first stored
 * value stands, as in LangGraph's own savers: the events are then appended one by one and only
 * those conflicts are skipped. A checkpoint id reused for other content stays a `ConflictError`.
 */
export async function appendAll(store: Store, events: EventInput[]): Promise<void> {
  try {
    await store.events.appendMany(events)
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error
    for (const event of events) {
      try {
        await store.events.append(event)
      } catch (inner) {
        if (!(inner instanceof ConflictError) || event.kind === KINDS.checkpoint) throw inner
      }
    }
  }
}
