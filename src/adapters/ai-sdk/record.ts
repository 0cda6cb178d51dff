import { randomUUID } from "node:crypto"
import {
  type EventInput,
  isAgentStoreError,
  type Json,
  type Store,
  ValidationError,
} from "../../index.js"
import { SseChunkParser } from "./sse.js"

/** Event kinds of a recorded UI message stream. */
export const STREAM_KINDS = Object.freeze({
  start: "ui_stream_start",
  chunk: "ui_stream_chunk",
  end: "ui_stream_end",
})

/** How a recorded stream ended. */
export type StreamStatus = "finished" | "errored"

/** What `recordStream` wrote. */
export interface RecordedStream {
  streamId: string
  /** Chunks recorded, numbered 0..chunks-1. */
  chunks: number
  status: StreamStatus
}

/** Input of `recordStream`. */
export interface RecordStreamInput {
  chatId: string
  /** UI message chunks, or their SSE text (the `stream` `consumeSseStream` is handed). */
  stream: ReadableStream<unknown>
  /** Default: a fresh random id. Ids are global to the namespace. */
  streamId?: string
}

/** The event id of chunk `seq` of a stream: re-sending a chunk never stores it twice. */
export function chunkEventId(streamId: string, seq: number): string {
  return `${streamId}.${seq}`
}

/** The event id of a stream's end marker. */
export function endEventId(streamId: string): string {
  return `${streamId}.end`
}

/**
 * Records a UI message stream as events of the chat's session, in order, as fast as it is
 * produced: a start event (its id is the stream id), one `ui_stream_chunk` event per chunk
 * (`parentId` = stream id, `data` = `{ streamId, seq, chunk }`, caller ids so a retried write
 * is stored once), and an end event. Chunks that arrive while a write is in flight go in the
 * next write, so the log keeps up with a fast model. Resolves when the stream has ended.
 */
export async function recordStream(
  store: Store,
  agent: string,
  input: RecordStreamInput,
): Promise<RecordedStream> {
  if (!(input.stream instanceof ReadableStream)) {
    throw new ValidationError("stream", "must be a ReadableStream")
  }
  const streamId = input.streamId ?? `uis_${randomUUID().replaceAll("-", "")}`
  await store.sessions.get(input.chatId)
  const base = { sessionId: input.chatId, agent }
  await store.events.append({ ...base, id: streamId, kind: STREAM_KINDS.start, data: { streamId } })
  const writer = new ChunkWriter(store, base, streamId)
  const status = await pump(input.stream, writer)
  await writer.flush()
  await store.events.append({
    ...base,
    id: endEventId(streamId),
    kind: STREAM_KINDS.end,
    parentId: streamId,
    data: { streamId, chunks: writer.count, status },
  })
  return { streamId, chunks: writer.count, status }
}

/** Reads the stream into the writer; a source error ends the recording as `errored`. */
async function pump(stream: ReadableStream<unknown>, writer: ChunkWriter): Promise<StreamStatus> {
  const reader = stream.getReader()
  const sse = new SseChunkParser()
  try {
    for (;;) {
      let result: Awaited<ReturnType<typeof reader.read>>
      try {
        result = await reader.read()
      } catch {
        return "errored"
      }
      if (result.done) break
      const value = result.value
      for (const chunk of typeof value === "string" ? sse.push(value) : [value]) writer.add(chunk)
      writer.check()
    }
    for (const chunk of sse.finish()) writer.add(chunk)
    return "finished"
  } catch (error) {
    await reader.cancel().catch(() => {})
    throw error
  } finally {
    reader.releaseLock()
  }
}

/** Numbers chunks and writes them in order, one batch at a time, while more arrive. */
class ChunkWriter {
  count = 0
  #pending: EventInput[] = []
  #flushing: Promise<void> | undefined
  #failure: unknown
  readonly #store: Store
  readonly #base: { sessionId: string; agent: string }
  readonly #streamId: string

  constructor(store: Store, base: { sessionId: string; agent: string }, streamId: string) {
    this.#store = store
    this.#base = base
    this.#streamId = streamId
  }

  add(chunk: unknown): void {
    const seq = this.count++
    const text = chunkText(chunk)
    this.#pending.push({
      ...this.#base,
      id: chunkEventId(this.#streamId, seq),
      kind: STREAM_KINDS.chunk,
      parentId: this.#streamId,
      data: { streamId: this.#streamId, seq, chunk: chunk as Json },
      ...(text === undefined ? {} : { text }),
    })
    this.#flushing ??= this.#drain()
  }

  /** Throws the error of a failed write, so reading stops at once. */
  check(): void {
    if (this.#failure !== undefined) throw this.#failure
  }

  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing
    this.check()
  }

  /**
   * Writes batches until none is pending. `#flushing` is cleared in the same synchronous step
   * that finds the queue empty, so a chunk added at any moment is either taken by this loop or
   * starts the next one — never left behind.
   */
  async #drain(): Promise<void> {
    const max = this.#store.backend.capabilities.maxBatch
    try {
      await null // lets `add` store this promise in `#flushing` before the loop can end
      while (this.#pending.length > 0 && this.#failure === undefined) {
        const batch = this.#pending.splice(0, max)
        try {
          await writeWithRetry(this.#store, batch)
        } catch (error) {
          this.#failure = error
        }
      }
    } finally {
      this.#flushing = undefined
    }
  }
}

/** Appends a batch, re-sending it after a transient failure (the ids make that safe). */
async function writeWithRetry(store: Store, batch: EventInput[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await store.events.appendMany(batch)
      return
    } catch (error) {
      const transient = isAgentStoreError(error) && error.code === "UNAVAILABLE"
      if (!transient || attempt >= 3) throw error
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt))
    }
  }
}

function chunkText(chunk: unknown): string | undefined {
  if (chunk === null || typeof chunk !== "object") return undefined
  const { type, delta } = chunk as { type?: unknown; delta?: unknown }
  return (type === "text-delta" || type === "reasoning-delta") && typeof delta === "string"
    ? delta
    : undefined
}
