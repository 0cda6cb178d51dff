import { createHash } from "node:crypto"
import { IntegrityError, type Json, type JsonObject, type Store } from "../../index.js"

/**
 * A value serialized by the saver's `serde`, as kept in an event's `data`: JSON text as is
 * (readable in the CLI), other bytes as base64, and anything over the inline limit as an
 * artifact of the thread's session (named by `artifact`).
 */
export interface Payload extends JsonObject {
  type: string
  size: number
}

/** Where payloads are written: the store, the thread's session, the inline limit in bytes. */
export interface PayloadTarget {
  store: Store
  sessionId: string
  inlineBytes: number
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true })

function asText(type: string, bytes: Uint8Array): string | undefined {
  if (type !== "json") return undefined
  try {
    return strictUtf8.decode(bytes)
  } catch {
    return undefined
  }
}

/**
 * Turns a `[type, bytes]` pair from `serde.dumpsTyped` into a payload, putting it in the
 * artifact store first when it is larger than the inline limit. The artifact handle derives
 * from the owning event and the content, so a re-sent put writes the same ref.
 */
export async function toPayload(
  target: PayloadTarget,
  owner: string,
  [type, bytes]: [string, Uint8Array],
): Promise<Payload> {
  if (bytes.byteLength > target.inlineBytes) {
    const sha = createHash("sha256").update(bytes).digest("hex").slice(0, 16)
    const ref = await target.store.artifacts.put(bytes, {
      handle: `${owner}.${sha}`,
      sessionId: target.sessionId,
      mediaType: type === "json" ? "application/json" : "application/octet-stream",
      label: "langgraph checkpoint data",
      overwrite: true,
    })
    return { type, size: bytes.byteLength, artifact: ref.handle }
  }
  const text = asText(type, bytes)
  if (text !== undefined) return { type, size: bytes.byteLength, text }
  return { type, size: bytes.byteLength, base64: Buffer.from(bytes).toString("base64") }
}

/** The artifact handles a set of payloads point at (for the event's `artifactRef`). */
export function artifactOf(...payloads: Payload[]): string | null {
  for (const payload of payloads) {
    if (typeof payload.artifact === "string") return payload.artifact
  }
  return null
}

/** The serialized bytes (or JSON text) of a stored payload, for `serde.loadsTyped`. */
export async function payloadData(
  store: Store,
  payload: Json,
  owner: string,
): Promise<{
  type: string
  data: Uint8Array | string
}> {
  const p = payload as Record<string, Json>
  if (p && typeof p.type === "string") {
    if (typeof p.text === "string") return { type: p.type, data: p.text }
    if (typeof p.base64 === "string") {
      return { type: p.type, data: new Uint8Array(Buffer.from(p.base64, "base64")) }
    }
    if (typeof p.artifact === "string") {
      return { type: p.type, data: await store.artifacts.get(p.artifact) }
    }
  }
  throw new IntegrityError(`langgraph event ${owner} holds no readable payload`, { id: owner })
}
