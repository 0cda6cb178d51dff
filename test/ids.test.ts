import { describe, expect, it } from "vitest"
import { manualClock } from "../src/core/clock.js"
import { ulidFactory } from "../src/core/ids.js"

describe("ulidFactory", () => {
  it("encodes the time in the first 10 characters and sorts within one millisecond", () => {
    const clock = manualClock(Date.UTC(2026, 0, 1))
    const next = ulidFactory(clock)
    const ids = Array.from({ length: 1000 }, () => next())
    expect(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true)
    expect(new Set(ids.map((id) => id.slice(0, 10)))).toEqual(new Set(["01KDVDNA00"]))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it("never goes backwards when the clock does", () => {
    const clock = manualClock(Date.UTC(2026, 0, 1))
    const next = ulidFactory(clock)
    const first = next()
    clock.advance(-5_000)
    const second = next()
    clock.advance(10_000)
    const third = next()
    expect([first, second, third].sort()).toEqual([first, second, third])
    expect(second.slice(0, 10)).toBe(first.slice(0, 10))
  })
})
