import { createHash } from "node:crypto"
import type { WriteStream } from "node:fs"
import type { ImportRow } from "../core/backend.js"
import { isAgentStoreError } from "../core/errors.js"
import type { BlobReceiver } from "./blobs.js"
import {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  type BundleCounts,
  type BundleHeader,
  type BundleLimits,
  emptyCounts,
  RECORD_TYPES,
  type RecordType,
} from "./format.js"
import { Invariants } from "./invariants.js"
import { drained } from "./line-sink.js"
import { bundleBytes, reject, splitLines } from "./lines.js"
import { eventRow, messageRow, sessionRow, toolRow } from "./records.js"
import { artifactRow, changeRow, planRow } from "./records-work.js"

/** Kinds of ids a bundle names: every record kind with an id, and changesets. */
export type IdKind = Exclude<RecordType, "blob"> | "changeset"

/** What the first pass learnt about a bundle that proved valid. */
export interface VerifiedBundle {
  header: BundleHeader
  counts: BundleCounts
  /** Ids per kind (artifacts: handles), in file order: old → new (for remapping). */
  ids: Record<IdKind, Map<string, string>>
  /** Blob hashes that plans' changes and artifacts name → the size they give it. */
  blobsNeeded: Map<string, number>
}

/** Turns a record of one kind into its row; schema upgrades of older bundles go here. */
const TO_ROW: Record<Exclude<RecordType, "blob">, (record: unknown) => ImportRow> = {
  session: (r) => ({ table: "sessions", row: sessionRow("", r) }),
  message: (r) => ({ table: "messages", row: messageRow("", r) }),
  event: (r) => ({ table: "events", row: eventRow("", r) }),
  tool: (r) => ({ table: "tool_invocations", row: toolRow("", r) }),
  plan: (r) => ({ table: "plans", row: planRow("", r) }),
  change: (r) => ({ table: "changes", row: changeRow("", r) }),
  artifact: (r) => ({ table: "artifacts", row: artifactRow("", r) }),
}

/** Fresh id maps for every kind. */
function idMaps(): Record<IdKind, Map<string, string>> {
  const kinds: IdKind[] = ["session", "message", "event", "tool", "plan", "change", "artifact"]
  return Object.fromEntries([...kinds, "changeset"].map((k) => [k, new Map()])) as Record<
    IdKind,
    Map<string, string>
  >
}

interface State {
  header?: BundleHeader
  trailerSeen: boolean
  counts: BundleCounts
  ids: Record<IdKind, Map<string, string>>
  invariants: Invariants
  lineNo: number
}

/**
 * First pass over a bundle: decompresses (capped), checks the header, every record, the
 * references between records, the counts and the SHA-256 in the trailer, and writes the
 * validated rows to `staging` (one JSON line each). Writes nothing to any store.
 * Any failure is an `IntegrityError` whose `details.reason` says why.
 */
export async function verifyBundle(
  source: AsyncIterable<Buffer | string>,
  staging: WriteStream,
  options: {
    limits: BundleLimits
    schemaVersion: number
    newId: (type: IdKind, id: string) => string
    /** Takes the `blob` lines (bytes to files, hashes checked). */
    blobs: BlobReceiver
    /** Called every 10,000 records with records checked and the header's expected total. */
    onProgress?: (done: number, expected: number) => void
  },
): Promise<VerifiedBundle> {
  const hash = createHash("sha256")
  const state: State = {
    trailerSeen: false,
    counts: emptyCounts(),
    ids: idMaps(),
    invariants: new Invariants(),
    lineNo: 0,
  }
  const lines = splitLines(
    bundleBytes(source, options.limits.maxBytes),
    options.limits.maxLineBytes,
  )
  for await (const { line, complete } of lines) {
    state.lineNo++
    if (!complete) throw reject("truncated", "the bundle does not end with a newline")
    if (state.trailerSeen) throw reject("after-trailer", "data after the trailer")
    const value = parseLine(line, state.lineNo)
    if (value.type !== "blob") options.blobs.finish()
    if (value.type === "trailer") {
      checkTrailer(value, hash.digest("hex"), state)
      state.trailerSeen = true
      continue
    }
    hash.update(line)
    if (state.lineNo === 1) state.header = checkHeader(value, options)
    else if (value.type === "blob" && Object.keys(value).length === 2) {
      options.blobs.add(value, state.lineNo)
      countRecord("blob", state)
    } else {
      const row = checkRecord(value, state, options)
      if (state.lineNo % 10_000 === 0) options.onProgress?.(state.lineNo, expectedTotal(state))
      if (!staging.write(`${JSON.stringify(row)}\n`)) await drained(staging)
    }
  }
  if (!state.header) throw reject("empty", "the bundle is empty")
  if (!state.trailerSeen) throw reject("truncated", "the bundle has no trailer")
  state.invariants.finish()
  return {
    header: state.header,
    counts: state.counts,
    ids: state.ids,
    blobsNeeded: state.invariants.sizes,
  }
}

function expectedTotal(state: State): number {
  const counts = state.header?.counts
  return counts ? RECORD_TYPES.reduce((sum, type) => sum + counts[type], 0) : 0
}

const UTF8 = new TextDecoder("utf-8", { fatal: true })

function parseLine(line: Buffer, lineNo: number): Record<string, unknown> {
  let text: string
  try {
    text = UTF8.decode(line)
  } catch {
    throw reject("encoding", `line ${lineNo} is not valid UTF-8`, { line: lineNo })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw reject("malformed", `line ${lineNo} is not JSON`, { line: lineNo })
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw reject("malformed", `line ${lineNo} is not a JSON object`, { line: lineNo })
  }
  return value as Record<string, unknown>
}

function isCount(n: unknown, max: number): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 && n <= max
}

function checkCounts(value: unknown, max: number): value is BundleCounts {
  if (value === null || typeof value !== "object") return false
  const counts = value as Record<string, unknown>
  const keys = Object.keys(counts)
  if (keys.length !== RECORD_TYPES.length) return false
  let sum = 0
  for (const type of RECORD_TYPES) {
    if (!isCount(counts[type], max)) return false
    sum += counts[type]
  }
  return sum <= max
}

function checkHeader(
  value: Record<string, unknown>,
  options: { limits: BundleLimits; schemaVersion: number },
): BundleHeader {
  if (value.type !== "header" || value.format !== BUNDLE_FORMAT) {
    throw reject("format", `not an ${BUNDLE_FORMAT} (the first line is not its header)`)
  }
  if (value.formatVersion !== BUNDLE_FORMAT_VERSION) {
    throw reject("format-version", `unsupported format version ${String(value.formatVersion)}`)
  }
  const schema = value.schemaVersion
  if (!isCount(schema, 1_000_000)) throw reject("schema-version", "bad schema version")
  if (schema > options.schemaVersion) {
    throw reject(
      "schema-newer",
      `the bundle has schema version ${schema}, newer than this store (${options.schemaVersion}); upgrade agentstore`,
      { bundleSchema: schema, storeSchema: options.schemaVersion },
    )
  }
  if (!checkCounts(value.counts, options.limits.maxRecords)) {
    throw reject(
      "counts",
      `header counts are not sane (at most ${options.limits.maxRecords} records)`,
    )
  }
  if (
    typeof value.createdAt !== "string" ||
    value.source === null ||
    typeof value.source !== "object"
  ) {
    throw reject("format", "the header lacks createdAt or source")
  }
  return value as unknown as BundleHeader
}

function checkTrailer(value: Record<string, unknown>, digest: string, state: State): void {
  if (!state.header) throw reject("format", "the trailer comes before the header")
  if (typeof value.sha256 !== "string" || value.sha256 !== digest) {
    throw reject("checksum", "the SHA-256 does not match the content")
  }
  const counts = value.counts as Record<string, unknown> | null
  if (!counts || RECORD_TYPES.some((t) => counts[t] !== state.counts[t])) {
    throw reject("counts", "the trailer counts do not match the records")
  }
}

function checkRecord(
  value: Record<string, unknown>,
  state: State,
  options: { limits: BundleLimits; newId: (type: IdKind, id: string) => string },
) {
  const type = value.type as Exclude<RecordType, "blob">
  if (!(type in TO_ROW) || Object.keys(value).length !== 2 || !("record" in value)) {
    throw reject("malformed", `line ${state.lineNo} is not a record`, { line: state.lineNo })
  }
  let item: ImportRow
  try {
    item = TO_ROW[type](value.record)
  } catch (error) {
    if (!isAgentStoreError(error, "VALIDATION")) throw error
    throw reject("invalid-record", `line ${state.lineNo}: ${error.message}`, { line: state.lineNo })
  }
  countRecord(type, state)
  const ids = state.ids[type]
  const id = item.table === "artifacts" ? item.row.handle : item.row.id
  if (ids.has(id)) throw reject("duplicate-id", `duplicate ${type} id ${id}`, { id })
  ids.set(id, options.newId(type, id))
  checkReferences(item, state)
  state.invariants.add(item, state.lineNo)
  if (item.table === "plans") {
    state.ids.changeset.set(
      item.row.changeset_id,
      options.newId("changeset", item.row.changeset_id),
    )
  }
  return item
}

function countRecord(type: RecordType, state: State): void {
  if (++state.counts[type] > (state.header as BundleHeader).counts[type] * 2 + 1_000_000) {
    throw reject("counts", `far more ${type} records than the header announced`)
  }
}

/** Changes name their plan and changeset, earlier in the bundle. */
function checkWorkReferences(item: ImportRow, state: State): void {
  if (item.table !== "changes") return
  const { plan_id, changeset_id } = item.row
  if (!state.ids.plan.has(plan_id) || !state.ids.changeset.has(changeset_id)) {
    throw reject(
      "reference",
      `line ${state.lineNo} refers to plan ${plan_id}, not earlier in the bundle`,
      { line: state.lineNo },
    )
  }
}

function checkReferences(item: ImportRow, state: State): void {
  checkWorkReferences(item, state)
  if (item.table === "sessions" || item.table === "changes") return
  const sessionId = item.row.session_id
  if (sessionId === null) return
  if (!state.ids.session.has(sessionId)) {
    throw reject(
      "reference",
      `line ${state.lineNo} refers to session ${sessionId}, not earlier in the bundle`,
      {
        line: state.lineNo,
      },
    )
  }
}
