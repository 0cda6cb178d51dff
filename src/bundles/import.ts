import { createReadStream, statSync } from "node:fs"
import { rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { ImportRow } from "../core/backend.js"
import { systemClock } from "../core/clock.js"
import { ValidationError } from "../core/errors.js"
import { ulidFactory } from "../core/ids.js"
import type { Store } from "../core/store.js"
import { checkNamespace } from "../core/validation.js"
import { type BlobReceiver, blobReceiver } from "./blobs.js"
import { fileError } from "./file-errors.js"
import {
  type BundleCounts,
  type BundleHeader,
  type BundleLimits,
  DEFAULT_LIMITS,
} from "./format.js"
import { readLinesSync, reject } from "./lines.js"
import { makeStagingDir, stageInto, sweepImportStaging } from "./staging.js"
import { type IdKind, type VerifiedBundle, verifyBundle } from "./verify.js"

/** How to import a bundle. */
export interface ImportOptions {
  /** The namespace to write into. Default: the store view's namespace. */
  namespace?: string
  /**
   * Keep the bundle's ids (an id that exists is a `ConflictError`, nothing written). Default
   * false: fresh ids. Artifact handles are always kept: one that exists is a `ConflictError`.
   */
  keepIds?: boolean
  /** Caps against hostile bundles. */
  limits?: Partial<BundleLimits>
  /**
   * Where the validated rows are staged between the two passes. Default: the OS temp dir.
   * Staging that killed imports left there is removed first (`sweepImportStaging`).
   */
  tempDir?: string
  /** Called while rows are written, with rows done and the total. */
  onProgress?: (done: number, total: number) => void
  /** Called while the bundle is verified, with records checked and the header's expected total. */
  onVerify?: (done: number, expected: number) => void
}

/** What an import wrote. */
export interface ImportResult {
  namespace: string
  header: BundleHeader
  counts: BundleCounts
  /** Old session id → new session id (identical with `keepIds`). */
  sessions: Record<string, string>
}

/**
 * Imports a bundle in two passes. The first reads the whole stream: decompresses (capped),
 * validates every line, references, counts and the SHA-256, and stages the rows in a temp
 * file. Only a bundle that passed completely is written, in one transaction: a tampered,
 * truncated or hostile bundle raises `IntegrityError` with 0 rows written.
 * @example
 * await importBundle(store, createReadStream("backup.ndjson.gz"), { namespace: "restored" })
 */
export async function importBundle(
  store: Store,
  source: AsyncIterable<Buffer | string>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const target =
    options.namespace === undefined ? store : store.withNamespace(checkNamespace(options.namespace))
  const maintenance = target.backend.maintenance
  if (!maintenance) {
    throw new ValidationError("store", `the ${target.backend.name} backend cannot import bundles`)
  }
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const newId = ulidFactory(systemClock)
  const fresh = (type: IdKind, id: string) =>
    options.keepIds || type === "artifact" ? id : flat(newId())
  const { current } = await target.migrationStatus()
  const parent = options.tempDir ?? tmpdir()
  await sweepImportStaging(parent)
  let dir: string | undefined
  try {
    dir = await makeStagingDir(parent)
    const stagingPath = join(dir, "rows.ndjson")
    const blobs = blobReceiver(dir)
    const verified = await stageInto(stagingPath, (staging) =>
      verifyBundle(source, staging, {
        limits,
        schemaVersion: current,
        newId: fresh,
        blobs,
        ...(options.onVerify ? { onProgress: options.onVerify } : {}),
      }).finally(() => blobs.close()),
    )
    await storeBlobs(target, verified, blobs)
    const total = Object.values(verified.counts).reduce((a, b) => a + b, 0) - verified.counts.blob
    const ns = target.namespace
    await maintenance.importRows(ns, () =>
      remapped(stagingPath, ns, verified, total, options.onProgress),
    )
    return {
      namespace: ns,
      header: verified.header,
      counts: verified.counts,
      sessions: Object.fromEntries(verified.ids.session),
    }
  } catch (error) {
    throw fileError(error, "the import staging")
  } finally {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Checks every blob the rows name is in the bundle or one the namespace stored itself (a blob
 * only another namespace stored is refused exactly like one stored nowhere), that each has the
 * size the rows give it, and that the bundle carries no blob nothing names. Then writes the
 * bundle's blobs to the store and claims them for the namespace (content-addressed and
 * idempotent: a later failure leaves orphans that `artifacts.gc` collects).
 */
async function storeBlobs(store: Store, verified: VerifiedBundle, blobs: BlobReceiver) {
  for (const sha256 of blobs.files.keys()) {
    if (!verified.blobsNeeded.has(sha256)) {
      throw reject("blob-unreferenced", `blob ${sha256} is named by no record`, { sha256 })
    }
  }
  const elsewhere = [...verified.blobsNeeded.keys()].filter((sha) => !blobs.files.has(sha))
  const owned = new Set(await store.backend.ownedBlobs(store.namespace, elsewhere))
  for (const [sha256, size] of verified.blobsNeeded) {
    const path = blobs.files.get(sha256)
    const actual =
      path !== undefined
        ? statSync(path).size
        : owned.has(sha256)
          ? (await store.blobs.stat(sha256))?.size
          : undefined
    if (actual === undefined) {
      throw reject("missing-blob", `blob ${sha256} is neither in the bundle nor stored`, {
        sha256,
      })
    }
    if (actual !== size) {
      throw reject("size", `blob ${sha256} holds ${actual} bytes, not ${size}`, { sha256 })
    }
  }
  for (const [sha256, path] of blobs.files) {
    const info = await store.blobs.put(createReadStream(path))
    if (info.sha256 !== sha256) throw reject("blob-checksum", `blob ${sha256} changed on disk`)
  }
  await store.backend.claimBlobs(store.namespace, [...blobs.files.keys()], Date.now())
}

/** A flat copy of a string built by concatenation (one allocation instead of a rope of 26). */
function flat(text: string): string {
  return Buffer.from(text, "latin1").toString("latin1")
}

function* remapped(
  path: string,
  ns: string,
  verified: VerifiedBundle,
  total: number,
  onProgress?: (done: number, total: number) => void,
): Generator<ImportRow> {
  let done = 0
  for (const line of readLinesSync(path)) {
    const item = JSON.parse(line) as ImportRow
    const row = item.row as ImportRow["row"] & Record<string, unknown>
    row.namespace = ns
    remapRow(item, verified.ids)
    yield item
    if (++done % 10_000 === 0) onProgress?.(done, total)
  }
  onProgress?.(done, total)
}

/** Rewrites a row's own id and its references to the ids chosen at import. */
function remapRow(item: ImportRow, ids: Record<IdKind, Map<string, string>>): void {
  const ref = (kind: IdKind, id: string | null) => (id === null ? null : (ids[kind].get(id) ?? id))
  const to = (kind: IdKind, id: string) => ids[kind].get(id) ?? id
  switch (item.table) {
    case "sessions":
      item.row.id = to("session", item.row.id)
      return
    case "messages":
      item.row.id = to("message", item.row.id)
      item.row.session_id = to("session", item.row.session_id)
      return
    case "events":
      item.row.id = to("event", item.row.id)
      item.row.session_id = ref("session", item.row.session_id)
      item.row.parent_id = ref("event", item.row.parent_id)
      return
    case "tool_invocations": {
      const t = item.row
      t.id = to("tool", t.id)
      t.session_id = ref("session", t.session_id)
      t.plan_id = ref("plan", t.plan_id)
      t.changeset_id = ref("changeset", t.changeset_id)
      const changeIds = JSON.parse(t.change_ids) as string[]
      t.change_ids = JSON.stringify(changeIds.map((id) => to("change", id)))
      return
    }
    case "plans":
      item.row.id = to("plan", item.row.id)
      item.row.session_id = ref("session", item.row.session_id)
      item.row.changeset_id = to("changeset", item.row.changeset_id)
      return
    case "changes":
      item.row.id = to("change", item.row.id)
      item.row.plan_id = to("plan", item.row.plan_id)
      item.row.changeset_id = to("changeset", item.row.changeset_id)
      item.row.tool_invocation_id = ref("tool", item.row.tool_invocation_id)
      return
    default:
      item.row.session_id = ref("session", item.row.session_id)
      item.row.tool_invocation_id = ref("tool", item.row.tool_invocation_id)
  }
}
