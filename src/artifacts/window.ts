/** A slice request over a sequence: `start` inclusive, `end` exclusive; negatives count from the end. */
export interface Window {
  start: number
  end: number | undefined
  /** Most items returned; more in the window sets `truncated`. */
  max: number
}

/**
 * Takes the items of `items` in `[start, end)` with `Array.prototype.slice` semantics, reading
 * the sequence once. Memory holds at most `max` kept items plus, for a negative bound, that many
 * trailing items. `keep` turns a yielded item into the value kept (items may be views).
 */
export async function sliceItems<T, U>(
  items: AsyncIterable<T>,
  window: Window,
  keep: (item: T, index: number) => U,
): Promise<{ items: U[]; truncated: boolean }> {
  const { start, end, max } = window
  if (start >= 0 && (end === undefined || end >= 0)) return forward(items, window, keep)
  if (start >= 0) return delayed(items, start, -(end as number), max, keep)
  const size = -start
  const ring: U[] = []
  let total = 0
  for await (const item of items) {
    ring[total % size] = keep(item, total)
    total++
  }
  const from = Math.max(0, total + start)
  const to = end === undefined ? total : end < 0 ? Math.max(0, total + end) : Math.min(end, total)
  const picked: U[] = []
  for (let i = from; i < to && picked.length <= max; i++) picked.push(ring[i % size] as U)
  return { items: picked.slice(0, max), truncated: picked.length > max }
}

async function forward<T, U>(
  items: AsyncIterable<T>,
  { start, end, max }: Window,
  keep: (item: T, index: number) => U,
) {
  const out: U[] = []
  if (end !== undefined && end <= start) return { items: out, truncated: false }
  let index = 0
  for await (const item of items) {
    if (index >= start) {
      if (out.length === max) return { items: out, truncated: true }
      out.push(keep(item, index))
      if (end !== undefined && index + 1 >= end) break
    }
    index++
  }
  return { items: out, truncated: false }
}

async function delayed<T, U>(
  items: AsyncIterable<T>,
  start: number,
  holdBack: number,
  max: number,
  keep: (item: T, index: number) => U,
) {
  const out: U[] = []
  const queue: U[] = []
  let index = 0
  for await (const item of items) {
    if (index >= start) {
      queue[(index - start) % (holdBack + 1)] = keep(item, index)
      if (index - start >= holdBack) {
        if (out.length === max) return { items: out, truncated: true }
        out.push(queue[(index - start - holdBack) % (holdBack + 1)] as U)
      }
    }
    index++
  }
  return { items: out, truncated: false }
}
