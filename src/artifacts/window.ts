/** A slice request over a sequence: `start` inclusive, `end` exclusive; negatives count from the end. */
export interface Window {
  start: number
  end: number | undefined
  /** Most items returned; more in the window sets `truncated`. */
  max: number
}

type Result<U> = { items: U[]; truncated: boolean }

/**
 * Takes the items of `batches` (a sequence delivered in arrays, so no per-item await) in
 * `[start, end)` with `Array.prototype.slice` semantics, reading the sequence once. Memory holds
 * at most `max` kept items plus, for a negative bound, that many trailing items. `keep` turns an
 * item into the value kept (items may be views into buffers).
 */
export async function sliceItems<T, U>(
  batches: AsyncIterable<T[]>,
  window: Window,
  keep: (item: T, index: number) => U,
): Promise<Result<U>> {
  const { start, end } = window
  if (start >= 0 && (end === undefined || end >= 0)) return forward(batches, window, keep)
  if (start >= 0) return delayed(batches, window, -(end as number), keep)
  return trailing(batches, window, keep)
}

async function forward<T, U>(
  batches: AsyncIterable<T[]>,
  { start, end, max }: Window,
  keep: (item: T, index: number) => U,
): Promise<Result<U>> {
  const out: U[] = []
  if (end !== undefined && end <= start) return { items: out, truncated: false }
  let index = 0
  for await (const batch of batches) {
    if (index + batch.length <= start) {
      index += batch.length
      continue
    }
    for (const item of batch) {
      if (index >= start) {
        if (out.length === max) return { items: out, truncated: true }
        out.push(keep(item, index))
        if (end !== undefined && index + 1 >= end) return { items: out, truncated: false }
      }
      index++
    }
  }
  return { items: out, truncated: false }
}

async function delayed<T, U>(
  batches: AsyncIterable<T[]>,
  { start, max }: Window,
  holdBack: number,
  keep: (item: T, index: number) => U,
): Promise<Result<U>> {
  const out: U[] = []
  const queue: U[] = []
  const slots = holdBack + 1
  let index = 0
  for await (const batch of batches) {
    for (const item of batch) {
      const r = index - start
      if (r >= 0) {
        queue[r % slots] = keep(item, index)
        if (r >= holdBack) {
          if (out.length === max) return { items: out, truncated: true }
          out.push(queue[(r - holdBack) % slots] as U)
        }
      }
      index++
    }
  }
  return { items: out, truncated: false }
}

async function trailing<T, U>(
  batches: AsyncIterable<T[]>,
  { start, end, max }: Window,
  keep: (item: T, index: number) => U,
): Promise<Result<U>> {
  const size = -start
  const ring: U[] = []
  let total = 0
  for await (const batch of batches) {
    for (let i = Math.max(0, batch.length - size); i < batch.length; i++) {
      ring[(total + i) % size] = keep(batch[i] as T, total + i)
    }
    total += batch.length
  }
  const from = Math.max(0, total + start)
  const to = end === undefined ? total : end < 0 ? Math.max(0, total + end) : Math.min(end, total)
  const picked: U[] = []
  for (let i = from; i < to && picked.length <= max; i++) picked.push(ring[i % size] as U)
  return { items: picked.slice(0, max), truncated: picked.length > max }
}
