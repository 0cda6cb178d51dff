import type { Clock } from "./clock.js"
import { nodeCrypto } from "./node-crypto.js"

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
const CODES = Uint16Array.from(ALPHABET, (c) => c.charCodeAt(0))

/**
 * Creates a monotonic ULID generator: ids sort by creation time, and within one ms too.
 * Each id is built as one flat string from its 26 character codes (concatenating characters
 * would leave a rope of 26 pieces, costing hundreds of bytes per id held in memory).
 */
export function ulidFactory(clock: Clock): () => string {
  let lastTime = -1
  const digits = new Uint8Array(16)
  const chars = new Uint16Array(26)
  return () => {
    const now = Math.max(clock(), lastTime)
    if (now === lastTime) {
      increment(digits)
    } else {
      lastTime = now
      const bytes = nodeCrypto().randomBytes(16)
      for (let i = 0; i < 16; i++) digits[i] = (bytes[i] as number) & 31
    }
    let t = now
    for (let i = 9; i >= 0; i--) {
      chars[i] = CODES[t % 32] as number
      t = Math.floor(t / 32)
    }
    for (let i = 0; i < 16; i++) chars[10 + i] = CODES[digits[i] as number] as number
    return String.fromCharCode.apply(null, chars as unknown as number[])
  }
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
