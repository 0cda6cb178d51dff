import type { EventFilterSpec } from "./backend.js"
import type { StoreContext } from "./context.js"
import { ValidationError } from "./errors.js"
import { toEvent } from "./rows.js"
import type { Event } from "./types.js"
import { checkCursor, checkInt, checkKeys, checkObject } from "./validation.js"

/** What a live tail follows. Every field narrows; none means every event of the namespace. */
export interface EventSubscribeFilter {
  sessionId?: string
  agent?: string
  /** Any of these kinds. */
  kinds?: string[]
  parentId?: string
}

/** How a live tail starts, ends and reads. */
export interface SubscribeOptions {
  /** Replays the events after this cursor (exclusive) first. Omitted: from the first event. */
  after?: string
  /** Ends the subscription when aborted: a pending `next()` resolves `done`. */
  signal?: AbortSignal
  /** Events read per query, 1 to 1,000 (default 100). The most a subscription holds in memory. */
  pageSize?: number
  /**
   * Re-reads at least this often while idle, even without a wake-up: a safety net under the
   * backend's signals, and the only source for backends without `watch`.
   * Default 5,000 ms on backends that watch, 250 ms on others.
   */
  pollIntervalMs?: number
}

/**
 * A live tail: an async iterator over matching events in cursor order — first those already
 * stored after `after`, then new ones as they commit — each exactly once. It ends (`done`) on
 * `return()` (a `break` out of `for await`), `close()`, the abort signal or the store closing.
 * A read error ends it by rejecting `next()`; resume with `after: subscription.cursor`.
 */
export interface EventSubscription
  extends AsyncIterableIterator<Event, undefined>,
    AsyncDisposable {
  /** The cursor of the last event delivered (initially `after`): where to resume. */
  readonly cursor: string | undefined
  /** Ends the subscription; idempotent. */
  close(): void
}

/** Resolved subscription settings. */
export interface SubscribePlan {
  filter: EventFilterSpec
  after?: string
  signal?: AbortSignal
  pageSize: number
  pollIntervalMs: number
}

const OPTION_KEYS = ["after", "signal", "pageSize", "pollIntervalMs"]
const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined })

/** Validates subscription options against a backend that does (or does not) watch. */
export function subscribePlan(
  filter: EventFilterSpec,
  options: SubscribeOptions,
  watches: boolean,
): SubscribePlan {
  checkKeys("options", checkObject("options", options), OPTION_KEYS)
  const plan: SubscribePlan = {
    filter,
    pageSize:
      options.pageSize === undefined ? 100 : checkInt("pageSize", options.pageSize, 1, 1000),
    pollIntervalMs:
      options.pollIntervalMs === undefined
        ? watches
          ? 5000
          : 250
        : checkInt("pollIntervalMs", options.pollIntervalMs, 1, 3_600_000),
  }
  if (options.after !== undefined) plan.after = checkCursor("after", options.after)
  if (options.signal !== undefined) {
    if (!(options.signal instanceof AbortSignal)) {
      throw new ValidationError("signal", "must be an AbortSignal")
    }
    plan.signal = options.signal
  }
  return plan
}

/**
 * Runs one live tail over a store view. The cursor is the only truth: a wake-up (or the idle
 * poll) only marks the tail dirty, and every read asks for `after: <last cursor>` one page at a
 * time, so a signal that is lost, early, late or spurious can delay an event but never drop or
 * repeat one.
 */
export function subscribeEvents(ctx: StoreContext, plan: SubscribePlan): EventSubscription {
  const backend = ctx.open()
  const { filter, pageSize, signal } = plan
  let cursor = plan.after
  let buffer: Event[] = []
  let caughtUp = false
  let dirty = false
  let finished = false
  let wake: (() => void) | undefined
  let queue: Promise<unknown> = Promise.resolve()
  let stopWatch: (() => void) | undefined

  const onSignal = () => {
    dirty = true
    wake?.()
  }
  const finish = () => {
    if (finished) return
    finished = true
    buffer = []
    stopWatch?.()
    stopClose()
    signal?.removeEventListener("abort", finish)
    wake?.()
  }
  const stopClose = ctx.onClose(finish)
  signal?.addEventListener("abort", finish, { once: true })
  if (signal?.aborted) finish()

  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, plan.pollIntervalMs)
      function done() {
        clearTimeout(timer)
        wake = undefined
        resolve()
      }
      wake = done
    })

  const readPage = async () => {
    dirty = false
    try {
      const spec = { ...filter, limit: pageSize, order: "asc" as const }
      if (cursor !== undefined) spec.after = cursor
      const rows = await backend.queryEvents(ctx.namespace, spec)
      if (finished) return
      buffer = rows.map(toEvent)
      caughtUp = rows.length < pageSize
    } catch (error) {
      if (finished) return
      finish()
      throw error
    }
  }

  const step = async (): Promise<IteratorResult<Event, undefined>> => {
    // Watching starts with the first read: a subscription never iterated holds nothing. The
    // backend signals once the watch is in place, which covers commits racing this first read.
    if (!finished && !stopWatch) {
      try {
        stopWatch = backend.watch?.(ctx.namespace, onSignal) ?? (() => {})
      } catch (error) {
        finish()
        throw error
      }
    }
    for (;;) {
      if (finished) return DONE
      const event = buffer.shift()
      if (event) {
        cursor = event.cursor
        return { done: false, value: event }
      }
      if (caughtUp && !dirty) await idle()
      if (finished) return DONE
      await readPage()
    }
  }

  const subscription: EventSubscription = {
    get cursor() {
      return cursor
    },
    next() {
      const result = queue.then(step)
      queue = result.catch(() => {})
      return result
    },
    async return() {
      finish()
      return DONE
    },
    close: finish,
    [Symbol.asyncIterator]() {
      return subscription
    },
    async [Symbol.asyncDispose]() {
      finish()
    },
  }
  return subscription
}
