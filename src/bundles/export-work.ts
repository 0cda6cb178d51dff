import type { ArtifactRow } from "../core/artifact-rows.js"
import type { PlanRow } from "../core/changeset-rows.js"
import type { Store } from "../core/store.js"
import type { Session } from "../core/types.js"
import { blobChunks, chunkCount } from "./blobs.js"
import type { BundleCounts, BundleSelection, RecordType } from "./format.js"
import { artifactRecord, changeRecord, planRecord } from "./records-work.js"

/** Writes one record line. */
type Line = (value: unknown, type: RecordType) => Promise<void>

/** Plans, artifact refs and the blobs they name that an export carries. */
export interface WorkSelection {
  plans: PlanRow[]
  artifacts: ArtifactRow[]
  changes: number
  /** Stored blobs named by the changes and artifacts: hash → size (missing ones are left out). */
  blobs: Map<string, number>
}

const PAGE = 1000

/**
 * Picks the plans and artifact refs that follow the selection (those of the selected sessions;
 * with `all`, every one in the namespace) and the blobs they name, and counts their changes.
 * Rows of plans and refs are held in memory (like sessions); changes are only counted.
 */
export async function selectWork(
  store: Store,
  selection: BundleSelection,
  sessions: Session[],
): Promise<WorkSelection> {
  const scopes = "all" in selection ? [undefined] : sessions.map((s) => s.id)
  const plans: PlanRow[] = []
  const artifacts: ArtifactRow[] = []
  for (const sessionId of scopes) {
    plans.push(...(await pageAll((after) => listPlans(store, sessionId, after))))
    artifacts.push(...(await pageAll((after) => listArtifacts(store, sessionId, after))))
  }
  const hashes = new Set(artifacts.map((a) => a.sha256))
  let changes = 0
  for (const plan of plans) {
    for (const c of await store.backend.listChanges(store.namespace, plan.id)) {
      changes++
      if (c.before_sha256 !== null) hashes.add(c.before_sha256)
      if (c.after_sha256 !== null) hashes.add(c.after_sha256)
    }
  }
  const blobs = new Map<string, number>()
  for (const sha256 of [...hashes].sort()) {
    const entry = await store.blobs.stat(sha256)
    if (entry) blobs.set(sha256, entry.size)
  }
  return { plans, artifacts, changes, blobs }
}

/** Adds the selection's plan, change, artifact and blob lines to `counts`. */
export function countWork(work: WorkSelection, counts: BundleCounts): void {
  counts.plan = work.plans.length
  counts.change = work.changes
  counts.artifact = work.artifacts.length
  for (const size of work.blobs.values()) counts.blob += chunkCount(size)
}

/** Writes plans, their changes, artifact refs, then blob bytes in bounded chunks. */
export async function writeWork(store: Store, work: WorkSelection, line: Line): Promise<void> {
  for (const plan of work.plans) await line({ type: "plan", record: planRecord(plan) }, "plan")
  for (const plan of work.plans) {
    for (const c of await store.backend.listChanges(store.namespace, plan.id)) {
      await line({ type: "change", record: changeRecord(c) }, "change")
    }
  }
  for (const a of work.artifacts) {
    await line({ type: "artifact", record: artifactRecord(a) }, "artifact")
  }
  for (const [sha256, size] of work.blobs) {
    for await (const chunk of blobChunks(store.blobs, sha256, size)) {
      await line({ type: "blob", record: chunk }, "blob")
    }
  }
}

type After = { time: number; id: string } | undefined

async function pageAll<T extends { created_at: number }>(
  page: (after: After) => Promise<{ rows: T[]; key: (row: T) => string }>,
): Promise<T[]> {
  const out: T[] = []
  let after: After
  for (;;) {
    const { rows, key } = await page(after)
    out.push(...rows)
    const last = rows.at(-1)
    if (rows.length < PAGE || !last) return out
    after = { time: Number(last.created_at), id: key(last) }
  }
}

async function listPlans(store: Store, sessionId: string | undefined, after: After) {
  const rows = await store.backend.listPlans(store.namespace, {
    order: "asc",
    limit: PAGE,
    ...(sessionId === undefined ? {} : { sessionId }),
    ...(after ? { after } : {}),
  })
  return { rows, key: (row: PlanRow) => row.id }
}

async function listArtifacts(store: Store, sessionId: string | undefined, after: After) {
  const rows = await store.backend.listArtifacts(store.namespace, {
    order: "asc",
    limit: PAGE,
    ...(sessionId === undefined ? {} : { sessionId }),
    ...(after ? { after } : {}),
  })
  return { rows, key: (row: ArtifactRow) => row.handle }
}
