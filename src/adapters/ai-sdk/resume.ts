import type { UIMessageChunk } from "ai"
import {
  type Event,
  type EventSubscription,
  IntegrityError,
  NotFoundError,
  type Store,
  ValidationError,
} from "../../index.js"
import { chunkEventId, endEventId, STREAM_KINDS } from "./record.js"

/** Options of `resumeStream`. */
export interface ResumeStreamOptions {
  /** The stream to replay; default the chat's active stream (none: `null`). */
  streamId?: string
  /** Chunks the reader already has: the replay starts at chunk number `afterChunk`. Default 0. */
  afterChunk?: number
  /** Ends the replay (the stream closes) when aborted, e.g. when the client goes away. */
  signal?: AbortSignal
}

/**
 * The chat's active stream: the newest one recorded for it that has no end event yet, or
 * `null`. Derived from the log, so no state has to be cleared when a stream ends.
 */
export async function activeStreamId(store: Store, chatId: string): Promise<string | null> {
  const [start] = await store.events.tail(1, { sessionId: chatId, kinds: [STREAM_KINDS.start] })
  if (!start) {
    await store.sessions.get(chatId)
    return null
  }
  return (await eventCursor(store, endEventId(start.id))) !== undefined ? null : start.id
}

/**
 * Replays a recorded stream from chunk `afterChunk`, then follows it live until its end event:
 * every chunk once, in order, from any process. `null` when the chat has no active stream and
 * none was named.
 */
export async function resumeStream(
  store: Store,
  chatId: string,
  options: ResumeStreamOptions = {},
): Promise<ReadableStream<UIMessageChunk> | null> {
  const afterChunk = options.afterChunk ?? 0
  if (!Number.isSafeInteger(afterChunk) || afterChunk < 0) {
    throw new ValidationError("afterChunk", "must be a non-negative integer")
  }
  const streamId = options.streamId ?? (await activeStreamId(store, chatId))
  if (streamId === null) return null
  const start = await store.events.get(streamId)
  if (start.kind !== STREAM_KINDS.start || start.sessionId !== chatId) {
    throw new NotFoundError("stream", streamId)
  }
  const after =
    afterChunk === 0 ? undefined : await eventCursor(store, chunkEventId(streamId, afterChunk - 1))
  const subscription = store.events.subscribe(
    { parentId: streamId },
    {
      ...(after === undefined ? {} : { after }),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  )
  return replayStream(subscription, streamId, afterChunk)
}

/** A readable stream over the subscription that checks the numbering as it goes. */
function replayStream(
  subscription: EventSubscription,
  streamId: string,
  first: number,
): ReadableStream<UIMessageChunk> {
  let next = first
  return new ReadableStream<UIMessageChunk>(
    {
      async pull(controller) {
        for (;;) {
          const { done, value } = await subscription.next()
          if (done) return controller.close()
          const step = nextChunk(value, streamId, next)
          if (step === "skip") continue
          if (step === "end") {
            subscription.close()
            return controller.close()
          }
          next++
          return controller.enqueue(step)
        }
      },
      cancel() {
        subscription.close()
      },
    },
    { highWaterMark: 0 },
  )
}

/** The chunk an event carries, `"skip"` for one before the start, `"end"` at the end marker. */
function nextChunk(
  event: Event,
  streamId: string,
  expected: number,
): UIMessageChunk | "skip" | "end" {
  const data = event.data as { seq?: unknown; chunk?: unknown; chunks?: unknown } | null
  if (event.kind === STREAM_KINDS.end) {
    if (typeof data?.chunks === "number" && data.chunks < expected) {
      throw new IntegrityError(`stream ${streamId} ended at ${data.chunks} chunks`, { streamId })
    }
    return "end"
  }
  if (event.kind !== STREAM_KINDS.chunk || typeof data?.seq !== "number") return "skip"
  if (data.seq < expected) return "skip"
  if (data.seq > expected) {
    throw new IntegrityError(`stream ${streamId} lacks chunk ${expected}`, {
      streamId,
      expected,
      found: data.seq,
    })
  }
  return data.chunk as UIMessageChunk
}

/** The cursor of an event, or `undefined` when it is not stored (yet). */
async function eventCursor(store: Store, eventId: string): Promise<string | undefined> {
  try {
    return (await store.events.get(eventId)).cursor
  } catch (error) {
    if (error instanceof NotFoundError) return undefined
    throw error
  }
}
