/** Milliseconds since the epoch. Injected so tests control time without sleeping. */
export type Clock = () => number

/** The wall clock. */
export const systemClock: Clock = () => Date.now()

/** A clock tests move by hand. */
export interface ManualClock extends Clock {
  set(ms: number): void
  advance(ms: number): void
}

/** Creates a clock that only moves when told to. */
export function manualClock(start = Date.UTC(2025, 0, 1)): ManualClock {
  let now = start
  const clock = (() => now) as ManualClock
  clock.set = (ms) => {
    now = ms
  }
  clock.advance = (ms) => {
    now += ms
  }
  return clock
}
