import { Worker } from "node:worker_threads"
import { UnavailableError } from "../core/errors.js"
import type { RawLine } from "./text-stream.js"

/** How long a grep may take: per piece of content handed to the matcher, and in all. */
export interface GrepLimits {
  /** Most milliseconds the matcher may spend on one piece (the lines of ≤ 1 MiB of content). */
  stallMs: number
  /** Most milliseconds one grep may take from start to end. */
  totalMs: number
}

/** The documented bound of a grep (see docs/artifacts.md). */
export const GREP_LIMITS: Readonly<GrepLimits> = Object.freeze({ stallMs: 2_000, totalMs: 60_000 })

/** A validated pattern: `RegExp` source and flags. */
export interface GrepPattern {
  source: string
  flags: string
}

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads")
const decoder = new TextDecoder("utf-8")
let regex = /$^/
parentPort.on("message", (message) => {
  if (message.source !== undefined) {
    regex = new RegExp(message.source, message.flags)
    return
  }
  const hits = []
  try {
    let start = 0
    for (let i = 0; i < message.ends.length; i++) {
      const end = message.ends[i]
      if (regex.test(decoder.decode(message.bytes.subarray(start, end)))) hits.push(i)
      start = end
    }
    parentPort.postMessage({ hits })
  } catch (error) {
    parentPort.postMessage({ failed: String(error) })
  }
})
`

const MAX_IDLE = 2
const idle: Worker[] = []

function takeWorker(): Worker {
  const parked = idle.pop()
  if (parked) {
    parked.ref()
    return parked
  }
  const worker = new Worker(WORKER_SOURCE, { eval: true })
  worker.on("error", () => dropIdle(worker))
  worker.on("exit", () => dropIdle(worker))
  return worker
}

function parkWorker(worker: Worker): void {
  if (idle.length >= MAX_IDLE) {
    void worker.terminate()
    return
  }
  worker.unref()
  idle.push(worker)
}

function dropIdle(worker: Worker): void {
  const at = idle.indexOf(worker)
  if (at !== -1) idle.splice(at, 1)
}

interface Waiter {
  resolve(hits: number[]): void
  reject(error: Error): void
}

/**
 * Tests lines against a pattern on a worker thread, so a pattern that backtracks never blocks
 * the event loop. The worker is stopped, and every call fails with `UnavailableError`
 * (`details.reason = "grep_timeout"`), when one piece takes longer than `limits.stallMs` or the
 * whole grep longer than `limits.totalMs`. Idle workers are kept (unreferenced) for reuse.
 */
export class LineMatcher {
  readonly #worker: Worker
  readonly #limits: GrepLimits
  readonly #waiting: Waiter[] = []
  readonly #total: NodeJS.Timeout
  #stall: NodeJS.Timeout | undefined
  #failure: Error | undefined

  constructor(pattern: GrepPattern, limits: GrepLimits = GREP_LIMITS) {
    this.#limits = limits
    this.#worker = takeWorker()
    this.#worker.on("message", this.#onMessage)
    this.#worker.on("error", this.#onError)
    this.#worker.on("exit", this.#onError)
    this.#worker.postMessage({ source: pattern.source, flags: pattern.flags })
    this.#total = setTimeout(() => this.#fail(timeout(limits.totalMs, "total")), limits.totalMs)
  }

  /** The indexes (in `lines`) of the lines that match; throws at once after a failure. */
  match(lines: readonly RawLine[]): Promise<number[]> {
    if (this.#failure) throw this.#failure
    const ends = new Uint32Array(lines.length)
    let total = 0
    for (const [i, line] of lines.entries()) ends[i] = total += line.bytes.byteLength
    const bytes = new Uint8Array(total)
    let at = 0
    for (const line of lines) {
      bytes.set(line.bytes, at)
      at += line.bytes.byteLength
    }
    const hits = new Promise<number[]>((resolve, reject) => {
      this.#waiting.push({ resolve, reject })
    })
    hits.catch(() => undefined)
    if (this.#waiting.length === 1) this.#armStall()
    this.#worker.postMessage({ bytes, ends }, [bytes.buffer, ends.buffer])
    return hits
  }

  /** Ends the grep: the worker goes back to the pool, or is stopped if it is still busy. */
  close(): void {
    clearTimeout(this.#total)
    clearTimeout(this.#stall)
    if (this.#failure) return
    this.#failure = new UnavailableError("the grep was closed", { reason: "grep_closed" })
    this.#detach()
    if (this.#waiting.length === 0) parkWorker(this.#worker)
    else void this.#worker.terminate()
  }

  readonly #onMessage = (message: { hits?: number[]; failed?: string }) => this.#reply(message)
  readonly #onError = (error: unknown) => this.#fail(stopped(error))

  #detach(): void {
    this.#worker.off("message", this.#onMessage)
    this.#worker.off("error", this.#onError)
    this.#worker.off("exit", this.#onError)
  }

  #reply(message: { hits?: number[]; failed?: string }): void {
    const waiter = this.#waiting.shift()
    clearTimeout(this.#stall)
    if (this.#waiting.length > 0) this.#armStall()
    if (message.failed !== undefined) {
      const error = new UnavailableError("the pattern could not be matched", {
        reason: "grep_failed",
      })
      waiter?.reject(error)
      this.#fail(error)
    } else waiter?.resolve(message.hits ?? [])
  }

  #armStall(): void {
    const ms = this.#limits.stallMs
    this.#stall = setTimeout(() => this.#fail(timeout(ms, "piece")), ms)
  }

  #fail(error: Error): void {
    if (this.#failure) return
    this.#failure = error
    clearTimeout(this.#total)
    clearTimeout(this.#stall)
    for (const waiter of this.#waiting.splice(0)) waiter.reject(error)
    this.#detach()
    void this.#worker.terminate()
  }
}

function timeout(limitMs: number, scope: "piece" | "total"): UnavailableError {
  const what = scope === "piece" ? "one piece of the content" : "the whole grep"
  return new UnavailableError(`the pattern took longer than ${limitMs} ms on ${what}`, {
    reason: "grep_timeout",
    field: "selector.pattern",
    limitMs,
    scope,
  })
}

function stopped(cause: unknown): UnavailableError {
  return new UnavailableError("the grep worker stopped", { reason: "grep_failed" }, cause)
}
