import { createHash } from "node:crypto"

/** One record line of a bundle, parsed. */
export interface Line {
  type: string
  // biome-ignore lint/suspicious/noExplicitAny: crafted records are edited freely
  record: Record<string, any>
}

/** A bundle split into its header and record lines (the trailer is dropped). */
export interface Parsed {
  header: Record<string, unknown>
  records: Line[]
}

/** Splits an exported bundle into its header and record lines. */
export function parseBundle(bundle: Buffer): Parsed {
  const lines = bundle
    .toString("utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l))
  return { header: lines[0], records: lines.slice(1, -1) }
}

/** A deep copy of parsed records, to edit one without touching the others. */
export function copyRecords(records: readonly Line[]): Line[] {
  return JSON.parse(JSON.stringify(records))
}

/**
 * A bundle around `records` with the right counts and a correct SHA-256: what an attacker who
 * knows the format writes. A `Buffer` is a raw line (for bytes JSON cannot hold). `claimed`, when
 * given, replaces the counts in the header only (the trailer keeps the true ones).
 */
export function craft(
  header: Record<string, unknown>,
  records: readonly (Line | Buffer)[],
  claimed?: Record<string, number>,
): Buffer {
  const counts: Record<string, number> = {
    session: 0,
    message: 0,
    event: 0,
    tool: 0,
    plan: 0,
    change: 0,
    artifact: 0,
    blob: 0,
  }
  const raw = records.map((r) => (Buffer.isBuffer(r) ? r : Buffer.from(JSON.stringify(r))))
  for (const line of raw) {
    const type = JSON.parse(line.toString("latin1")).type as string
    if (type in counts) counts[type] = (counts[type] ?? 0) + 1
  }
  const body = Buffer.concat(
    [Buffer.from(JSON.stringify({ ...header, counts: claimed ?? counts })), ...raw].flatMap((l) => [
      l,
      Buffer.from("\n"),
    ]),
  )
  const sha256 = createHash("sha256").update(body).digest("hex")
  return Buffer.concat([
    body,
    Buffer.from(`${JSON.stringify({ type: "trailer", counts, sha256 })}\n`),
  ])
}

/** `blob` lines carrying `bytes` (one chunk). */
export function blobLine(bytes: Buffer): Line {
  const sha256 = createHash("sha256").update(bytes).digest("hex")
  return {
    type: "blob",
    record: { sha256, size: bytes.length, offset: 0, data: bytes.toString("base64") },
  }
}

/** Matches text only a database driver writes; the store's own messages never contain it. */
export const DRIVER_TEXT =
  /constraint|duplicate key|violates|SQLITE|UNIQUE|foreign key|syntax error|relation "|column "/i
