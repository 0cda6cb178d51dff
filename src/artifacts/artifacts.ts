import type { ArtifactListSpec } from "../core/artifact-backend.js"
import { type ArtifactRef, type ArtifactRow, toArtifact } from "../core/artifact-rows.js"
import { encodeObject } from "../core/codec.js"
import type { StoreContext } from "../core/context.js"
import { NotFoundError, ValidationError } from "../core/errors.js"
import { faultPoint } from "../core/fault-points.js"
import { decodePageToken, encodePageToken } from "../core/page-token.js"
import type { JsonObject, Page } from "../core/types.js"
import {
  checkEnum,
  checkKeys,
  checkLimit,
  checkName,
  checkObject,
  optionalId,
  optionalName,
} from "../core/validation.js"
import type { BlobInput, ByteRange } from "./blob-store.js"
import { type DrilldownResult, type DrilldownSelector, drilldown } from "./drilldown.js"
import { collectGarbage, type GcReport } from "./gc.js"
import { checkHandle, checkMediaType } from "./handles.js"

/** Options of `artifacts.put`. */
export interface PutArtifactOptions {
  /** Default `text/plain; charset=utf-8` for a string, `application/octet-stream` otherwise. */
  mediaType?: string
  /** A short human name ("test output", "diff"); no control characters. */
  label?: string | null
  metadata?: JsonObject
  /** The name to address it by; generated (a ULID) when absent. See `checkHandle`. */
  handle?: string
  sessionId?: string
  toolInvocationId?: string
  /** Replace an existing ref of the same handle instead of raising `ConflictError`. */
  overwrite?: boolean
}

/** Filters of `artifacts.list`. */
export interface ListArtifactsQuery {
  sessionId?: string
  mediaType?: string
  label?: string
  limit?: number
  cursor?: string
  order?: "asc" | "desc"
}

/** Artifacts: large outputs kept out of the transcript, read back whole, streamed or drilled into. */
export interface ArtifactsApi {
  /** Stores content (bytes, a string or a stream) and records a ref to it. */
  put(data: BlobInput, options?: PutArtifactOptions): Promise<ArtifactRef>
  /** The ref (metadata) without the content. */
  head(handle: string): Promise<ArtifactRef>
  /** The whole content, hash-verified. */
  get(handle: string): Promise<Uint8Array>
  /** The whole content as UTF-8 text. */
  text(handle: string): Promise<string>
  /** The content or a byte range of it, streamed. */
  stream(handle: string, range?: ByteRange): AsyncIterable<Uint8Array>
  /** A slice chosen by a selector (`head`, `lines`, `json_keys`, `rows`, `grep`, `bytes`). */
  drilldown(handle: string, selector: DrilldownSelector): Promise<DrilldownResult>
  /** Refs by session, media type or label, newest first by default. */
  list(query?: ListArtifactsQuery): Promise<Page<ArtifactRef>>
  /** Deletes a ref (the blob goes at the next `gc` if nothing else points at it). */
  delete(handle: string): Promise<boolean>
  /**
   * Deletes blobs no row points at (in any namespace) and leftovers of interrupted puts, once
   * they are older than `graceMs` (default one hour). The grace period is what keeps a put that
   * runs at the same time safe: `graceMs: 0` is for tests and for stores nothing writes to.
   */
  gc(options?: { graceMs?: number }): Promise<GcReport>
}

const PUT_KEYS = [
  "mediaType",
  "label",
  "metadata",
  "handle",
  "sessionId",
  "toolInvocationId",
  "overwrite",
]

/** Builds the artifacts API over one store context. */
export function createArtifactsApi(ctx: StoreContext): ArtifactsApi {
  const ref = async (handle: unknown) => {
    const checked = checkHandle(handle)
    const row = await ctx.open().getArtifact(ctx.namespace, checked)
    if (!row) throw new NotFoundError("artifact", checked)
    return toArtifact(row)
  }
  const api: ArtifactsApi = {
    async put(data, options = {}) {
      const row = putRow(ctx, data, options)
      ctx.open()
      const { sha256, size } = await ctx.blobs.put(data)
      await ctx.open().claimBlobs(ctx.namespace, [sha256], Date.now())
      faultPoint("artifact:before-ref-insert")
      const stored = await ctx
        .open()
        .insertArtifact({ ...row, sha256, size }, { overwrite: options.overwrite === true })
      faultPoint("artifact:after-ref-insert")
      return toArtifact(stored)
    },
    head: ref,
    async get(handle) {
      return ctx.blobs.get((await ref(handle)).sha256)
    },
    async text(handle) {
      return Buffer.from(await api.get(handle)).toString("utf8")
    },
    async *stream(handle, range) {
      yield* ctx.blobs.stream((await ref(handle)).sha256, range)
    },
    async drilldown(handle, selector) {
      const { sha256, size, mediaType } = await ref(handle)
      return drilldown({ size, mediaType, stream: (r) => ctx.blobs.stream(sha256, r) }, selector)
    },
    async list(query = {}) {
      const spec = listSpec(query)
      const rows = await ctx.open().listArtifacts(ctx.namespace, { ...spec, limit: spec.limit + 1 })
      const page: Page<ArtifactRef> = {
        items: rows.slice(0, spec.limit).map(toArtifact),
        hasMore: rows.length > spec.limit,
      }
      const last = rows[spec.limit - 1]
      if (page.hasMore && last)
        page.nextCursor = encodePageToken(Number(last.created_at), last.handle)
      return page
    },
    async delete(handle) {
      return ctx.open().deleteArtifact(ctx.namespace, checkHandle(handle))
    },
    async gc(options = {}) {
      return collectGarbage(ctx.open(), ctx.blobs, options)
    },
  }
  return api
}

function putRow(ctx: StoreContext, data: BlobInput, options: PutArtifactOptions): ArtifactRow {
  checkKeys("options", checkObject("options", options), PUT_KEYS)
  if (options.overwrite !== undefined && typeof options.overwrite !== "boolean") {
    throw new ValidationError("overwrite", "must be a boolean")
  }
  const mediaType =
    options.mediaType === undefined
      ? typeof data === "string"
        ? "text/plain; charset=utf-8"
        : "application/octet-stream"
      : checkMediaType(options.mediaType)
  return {
    namespace: ctx.namespace,
    handle: options.handle === undefined ? ctx.newId() : checkHandle(options.handle),
    sha256: "",
    size: 0,
    media_type: mediaType,
    label: optionalName("label", options.label),
    metadata: encodeObject("metadata", options.metadata ?? {}),
    session_id: optionalId("sessionId", options.sessionId),
    tool_invocation_id: optionalId("toolInvocationId", options.toolInvocationId),
    created_at: ctx.clock(),
  }
}

function listSpec(query: ListArtifactsQuery): ArtifactListSpec {
  checkKeys("query", checkObject("query", query), [
    "sessionId",
    "mediaType",
    "label",
    "limit",
    "cursor",
    "order",
  ])
  const spec: ArtifactListSpec = {
    order: checkEnum("order", query.order ?? "desc", ["asc", "desc"]),
    limit: checkLimit(query.limit, 50),
  }
  const sessionId = optionalId("sessionId", query.sessionId)
  if (sessionId !== null) spec.sessionId = sessionId
  if (query.mediaType !== undefined) spec.mediaType = checkMediaType(query.mediaType)
  if (query.label !== undefined) spec.label = checkName("label", query.label)
  if (query.cursor !== undefined) spec.after = decodePageToken("cursor", query.cursor)
  return spec
}
