import { randomBytes } from "node:crypto"
import type { Clock } from "./clock.js"

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

/** Creates a monotonic ULID generator: ids sort by creation time, and within one ms too. */
export function ulidFactory(clock: Clock): () => string {
  let lastTime = -1
  const digits = new Uint8Array(16)
  return () => {
    const now = Math.max(clock(), lastTime)
    if (now === lastTime) {
      increment(digits)
    } else {
      lastTime = now
      const bytes = randomBytes(16)
      for (let i = 0; i < 16; i++) digits[i] = (bytes[i] as number) & 31
    }
    let out = encodeTime(now)
    for (let i = 0; i < 16; i++) out += ALPHABET[digits[i] as number]
    return out
  }
}

function encodeTime(ms: number): string {
  let out = ""
  let t = ms
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out
    t = Math.floor(t / 32)
  }
  return out
}

function increment(digits: Uint8Array): void {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] !== 31) {
      digits[i] = (digits[i] as number) + 1
      return
    }
    digits[i] = 0
  }
}
