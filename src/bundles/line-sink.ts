import { createHash, type Hash } from "node:crypto"
import { once } from "node:events"
import type { Writable } from "node:stream"
import { emptyCounts, type RecordType } from "./format.js"

const PAGE = 1000

/**
 * Remembers the first error of any stream of an output pipeline (a gzip stream and the file it
 * feeds). A stream that failed never emits `drain` or `end` again, so every wait races `failed`.
 */
export class PipelineWatch {
  error: unknown
  readonly failed: Promise<never>
  readonly #streams: Writable[]
  readonly #onError: (error: unknown) => void

  constructor(streams: Writable[]) {
    let fail: (error: unknown) => void = () => undefined
    this.failed = new Promise<never>((_, reject) => {
      fail = reject
    })
    this.failed.catch(() => undefined)
    this.#onError = (error) => {
      this.error ??= error
      fail(error)
    }
    this.#streams = streams
    for (const s of streams) s.on("error", this.#onError)
  }

  /** Waits for `event` on `stream`, or throws the pipeline's first error. */
  async wait(stream: NodeJS.EventEmitter, event: string): Promise<void> {
    if (this.error !== undefined) throw this.error
    await Promise.race([once(stream, event), this.failed])
  }

  /** Stops listening. */
  dispose(): void {
    for (const s of this.#streams) s.off("error", this.#onError)
  }
}

/**
 * Waits until `stream` wants more after a `write` returned false. A stream that failed or closed
 * never emits `drain`: its error is thrown instead of waiting forever. Give `stream` an `error`
 * listener of its own, so an error while nobody waits is not an uncaught exception.
 */
export async function drained(stream: Writable): Promise<void> {
  if (stream.errored) throw stream.errored
  if (stream.destroyed) throw closedEarly()
  const abort = new AbortController()
  const { signal } = abort
  try {
    await Promise.race([
      once(stream, "drain", { signal }),
      once(stream, "close", { signal }).then(() => {
        throw stream.errored ?? closedEarly()
      }),
    ])
  } finally {
    abort.abort()
  }
}

function closedEarly(): Error {
  return Object.assign(new Error("the output closed before everything was written"), {
    code: "ERR_STREAM_DESTROYED",
  })
}

/** Writes lines, hashing the uncompressed bytes and honouring back-pressure. */
export class LineSink {
  readonly hash: Hash = createHash("sha256")
  bytes = 0
  readonly counts = emptyCounts()
  constructor(
    readonly out: Writable,
    readonly watch: PipelineWatch,
    readonly progress: () => void,
  ) {}

  /** Writes one JSON line; a record `type` is counted. */
  async line(value: unknown, type?: RecordType): Promise<void> {
    const text = `${JSON.stringify(value)}\n`
    this.hash.update(text)
    await this.raw(text)
    if (type) {
      this.counts[type]++
      if (this.counts[type] % PAGE === 0) this.progress()
    }
  }

  /** Writes text as it is (not hashed). */
  async raw(text: string): Promise<void> {
    if (this.watch.error !== undefined) throw this.watch.error
    this.bytes += Buffer.byteLength(text)
    if (!this.out.write(text)) await this.watch.wait(this.out, "drain")
  }
}
