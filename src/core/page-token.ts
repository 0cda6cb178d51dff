import { ValidationError } from "./errors.js"

/** Encodes a keyset position (time, id) as an opaque page token. */
export function encodePageToken(time: number, id: string): string {
  return Buffer.from(JSON.stringify([time, id])).toString("base64url")
}

/** Decodes a page token from `encodePageToken`; anything else is a `ValidationError`. */
export function decodePageToken(field: string, token: unknown): { time: number; id: string } {
  if (typeof token === "string" && token.length <= 512) {
    try {
      const value: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"))
      if (
        Array.isArray(value) &&
        value.length === 2 &&
        Number.isSafeInteger(value[0]) &&
        typeof value[1] === "string"
      ) {
        return { time: value[0] as number, id: value[1] }
      }
    } catch {
      // falls through to the validation error below
    }
  }
  throw new ValidationError(field, "must be a page cursor returned by the store")
}
