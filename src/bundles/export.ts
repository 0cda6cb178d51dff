import type { Writable } from "node:stream"
import { createGzip } from "node:zlib"
import { ValidationError } from "../core/errors.js"
import type { Store } from "../core/store.js"
import type { Session } from "../core/types.js"
import { checkId, checkName } from "../core/validation.js"
import { countWork, selectWork, type WorkSelection, writeWork } from "./export-work.js"
import { fileError } from "./file-errors.js"
import {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  type BundleCounts,
  type BundleHeader,
  type BundleSelection,
  emptyCounts,
} from "./format.js"
import { LineSink, PipelineWatch } from "./line-sink.js"
import { eventRecord, sessionRecord, toolRecord } from "./records.js"

/** What to export and how. Give `sessions` or `agent`, or neither for the whole namespace. */
export interface ExportOptions {
  sessions?: string[]
  agent?: string
  /** Compress with gzip. Default false. */
  gzip?: boolean
  /** Called after every page with the records written so far and the expected total. */
  onProgress?: (done: number, expected: number) => void
}

/** What an export wrote. */
export interface ExportResult {
  counts: BundleCounts
  sha256: string
  bytes: number
}

const PAGE = 1000

/**
 * Streams a bundle of `store`'s namespace to `destination`: a header, the records of every
 * domain paged by cursor (memory stays flat however large the store: blob bytes go in chunks
 * of at most 1 MiB), and a trailer with the SHA-256 of everything before it. Plans and
 * artifact refs follow the selected sessions (with no selection, all of the namespace). Does not
 * end `destination` when it is `process.stdout`. A destination that fails (a full disk:
 * `UnavailableError`) rejects the export at once; the caller removes what it had written.
 * @example
 * await exportBundle(store, createWriteStream("backup.ndjson.gz"), { gzip: true })
 */
export async function exportBundle(
  store: Store,
  destination: Writable,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const selection = selectionOf(options)
  const sessions = await selectedSessions(store, selection)
  const work = await selectWork(store, selection, sessions)
  const expected = await expectedCounts(store, selection, sessions)
  countWork(work, expected)
  const total = Object.values(expected).reduce((a, b) => a + b, 0)
  const header = await headerOf(store, selection, expected)
  const out = options.gzip ? createGzip() : destination
  if (options.gzip) out.pipe(destination, { end: destination !== (process.stdout as Writable) })
  const watch = new PipelineWatch(out === destination ? [out] : [out, destination])
  const sink = new LineSink(out, watch, () =>
    options.onProgress?.(
      Object.values(sink.counts).reduce((a, b) => a + b, 0),
      total,
    ),
  )
  try {
    const sha256 = await writeBundle(store, sink, header, sessions, work)
    options.onProgress?.(total, total)
    await finish(out, destination, watch)
    return { counts: sink.counts, sha256, bytes: sink.bytes }
  } catch (error) {
    if (out !== destination) out.destroy()
    throw fileError(error, "the bundle")
  } finally {
    watch.dispose()
  }
}

async function writeBundle(
  store: Store,
  sink: LineSink,
  header: BundleHeader,
  sessions: Session[],
  work: WorkSelection,
): Promise<string> {
  const { selection } = header.source
  await sink.line(header)
  await writeRecords(store, sink, selection, sessions)
  await writeWork(store, work, (value, type) => sink.line(value, type))
  const sha256 = sink.hash.digest("hex")
  await sink.raw(`${JSON.stringify({ type: "trailer", counts: sink.counts, sha256 })}\n`)
  return sha256
}

async function headerOf(
  store: Store,
  selection: BundleSelection,
  counts: BundleCounts,
): Promise<BundleHeader> {
  return {
    type: "header",
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    schemaVersion: (await store.migrationStatus()).current,
    createdAt: new Date().toISOString(),
    source: { namespace: store.namespace, backend: store.backend.name, selection },
    counts,
  }
}

async function finish(out: Writable, destination: Writable, watch: PipelineWatch): Promise<void> {
  if (out !== destination) {
    const ended = watch.wait(out, "end")
    out.end()
    await ended
  }
  if (destination === (process.stdout as Writable)) return
  if (out === destination) destination.end()
  if (!destination.writableFinished) await watch.wait(destination, "finish")
}

function selectionOf(options: ExportOptions): BundleSelection {
  if (options.sessions !== undefined && options.agent !== undefined) {
    throw new ValidationError("selection", "give sessions or agent, not both")
  }
  if (options.sessions !== undefined) {
    return { sessions: options.sessions.map((id, i) => checkId(`sessions[${i}]`, id)) }
  }
  if (options.agent !== undefined) return { agent: checkName("agent", options.agent) }
  return { all: true }
}

async function selectedSessions(store: Store, selection: BundleSelection): Promise<Session[]> {
  if ("sessions" in selection) {
    const out: Session[] = []
    for (const id of new Set(selection.sessions)) out.push(await store.sessions.get(id))
    return out
  }
  const out: Session[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await store.sessions.list({
      ...("agent" in selection ? { agent: selection.agent } : {}),
      orderBy: "createdAt",
      order: "asc",
      limit: PAGE,
      ...(cursor ? { cursor } : {}),
    })
    out.push(...page.items)
    if (!page.hasMore || !page.nextCursor) return out
    cursor = page.nextCursor
  }
}

async function expectedCounts(
  store: Store,
  selection: BundleSelection,
  sessions: Session[],
): Promise<BundleCounts> {
  const counts = emptyCounts()
  counts.session = sessions.length
  for (const s of sessions) counts.message += s.messageCount
  if ("all" in selection) counts.event = await store.events.count()
  else {
    for (const s of sessions) counts.event += await store.events.count({ sessionId: s.id })
  }
  return counts
}

async function writeRecords(
  store: Store,
  sink: LineSink,
  selection: BundleSelection,
  sessions: Session[],
): Promise<void> {
  const ids = new Set(sessions.map((s) => s.id))
  for (const s of sessions)
    await sink.line({ type: "session", record: sessionRecord(s) }, "session")
  for (const s of sessions) await writeMessages(store, sink, s.id)
  if ("all" in selection) {
    await writeEvents(store, sink, {}, (e) => e.sessionId === null || ids.has(e.sessionId))
  } else {
    for (const s of sessions) await writeEvents(store, sink, { sessionId: s.id }, () => true)
    if ("agent" in selection) {
      await writeEvents(store, sink, { agent: selection.agent }, (e) => e.sessionId === null)
    }
  }
  if ("all" in selection) {
    await writeTools(store, sink, undefined, (t) => t.sessionId === null || ids.has(t.sessionId))
  } else {
    for (const s of sessions) await writeTools(store, sink, s.id, () => true)
  }
}

async function writeMessages(store: Store, sink: LineSink, sessionId: string): Promise<void> {
  let after: number | undefined
  for (;;) {
    const page = await store.messages.list(sessionId, {
      limit: PAGE,
      ...(after === undefined ? {} : { after }),
    })
    for (const m of page.messages) await sink.line({ type: "message", record: m }, "message")
    if (!page.hasMore || page.nextCursor === undefined) return
    after = page.nextCursor
  }
}

async function writeEvents(
  store: Store,
  sink: LineSink,
  filter: { sessionId?: string; agent?: string },
  keep: (e: { sessionId: string | null }) => boolean,
): Promise<void> {
  let after: string | undefined
  for (;;) {
    const page = await store.events.query({
      ...filter,
      limit: PAGE,
      ...(after === undefined ? {} : { after }),
    })
    for (const e of page.events) {
      if (keep(e)) await sink.line({ type: "event", record: eventRecord(e) }, "event")
    }
    if (!page.hasMore || page.nextCursor === undefined) return
    after = page.nextCursor
  }
}

async function writeTools(
  store: Store,
  sink: LineSink,
  sessionId: string | undefined,
  keep: (t: { sessionId: string | null }) => boolean,
): Promise<void> {
  let cursor: string | undefined
  for (;;) {
    const page = await store.tools.list({
      order: "asc",
      limit: PAGE,
      ...(sessionId === undefined ? {} : { sessionId }),
      ...(cursor === undefined ? {} : { cursor }),
    })
    for (const t of page.items) {
      if (keep(t)) await sink.line({ type: "tool", record: toolRecord(t) }, "tool")
    }
    if (!page.hasMore || page.nextCursor === undefined) return
    cursor = page.nextCursor
  }
}
