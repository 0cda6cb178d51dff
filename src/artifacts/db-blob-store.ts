import { createHash } from "node:crypto"
import type { BlobOps, DbBlobChunk } from "../core/artifact-backend.js"
import { IntegrityError, NotFoundError } from "../core/errors.js"
import { faultPoint } from "../core/fault-points.js"
import { checkSha256, chunksOf, collectBytes, resolveRange } from "./blob-input.js"
import type { BlobEntry, BlobInput, BlobStore, ByteRange } from "./blob-store.js"

/** Size of one stored chunk of the in-database blob store. */
export const DB_CHUNK_SIZE = 1 << 20

/**
 * Opens the in-database blob store over a backend's blob operations: blobs are rows of 1 MiB
 * chunks, so every node that reaches the database reaches the blobs (no shared disk needed).
 * Used for `:memory:` stores and for PostgreSQL deployments without a shared filesystem.
 * @example
 * const blobs = createDatabaseBlobStore(backend)
 */
export function createDatabaseBlobStore(ops: BlobOps): BlobStore {
  const store: BlobStore = {
    kind: "database",
    put: (data) => putChunks(ops, data),
    get: (sha) => collectBytes(store.stream(sha)),
    stream: (sha, range) => streamChunks(ops, sha, range),
    async stat(sha) {
      const row = await ops.blobStat(checkSha256(sha))
      return row && entry(row)
    },
    async has(sha) {
      return (await ops.blobStat(checkSha256(sha))) !== undefined
    },
    delete: async (sha) => ops.blobDelete(checkSha256(sha)),
    collect: async (sha, { olderThan }) => ops.blobDelete(checkSha256(sha), { olderThan }),
    list: () => listRows(ops),
    sweep: (olderThan) => ops.blobSweepUploads(olderThan),
  }
  return store
}

async function putChunks(ops: BlobOps, data: BlobInput) {
  const upload = await ops.blobBeginUpload(DB_CHUNK_SIZE, Date.now())
  try {
    const hash = createHash("sha256")
    let size = 0
    let index = 0
    let pending: Uint8Array[] = []
    let pendingBytes = 0
    const flush = async (all: boolean) => {
      const only = pending.length === 1 ? pending[0] : undefined
      const joined = only
        ? Buffer.from(only.buffer, only.byteOffset, only.byteLength)
        : Buffer.concat(pending, pendingBytes)
      const full = all ? joined.length : joined.length - (joined.length % DB_CHUNK_SIZE)
      const chunks: DbBlobChunk[] = []
      for (let at = 0; at < full; at += DB_CHUNK_SIZE) {
        const data = joined.subarray(at, Math.min(full, at + DB_CHUNK_SIZE))
        chunks.push({ data, sha256: sha256Of(data) })
      }
      if (chunks.length > 0) await ops.blobWriteChunks(upload, index, chunks)
      index += chunks.length
      pending = full < joined.length ? [joined.subarray(full)] : []
      pendingBytes = joined.length - full
    }
    for await (const chunk of chunksOf(data)) {
      hash.update(chunk)
      size += chunk.byteLength
      pending.push(chunk)
      pendingBytes += chunk.byteLength
      if (pendingBytes >= DB_CHUNK_SIZE) await flush(false)
    }
    await flush(true)
    faultPoint("blob:after-chunks")
    const sha256 = hash.digest("hex")
    await ops.blobCommitUpload(upload, sha256, size, Date.now())
    return { sha256, size }
  } catch (error) {
    await ops.blobAbortUpload(upload).catch(() => undefined)
    throw error
  }
}

async function* streamChunks(
  ops: BlobOps,
  sha: string,
  range: ByteRange | undefined,
): AsyncGenerator<Uint8Array> {
  const row = await ops.blobStat(checkSha256(sha))
  if (!row) throw new NotFoundError("blob", sha)
  const size = Number(row.size)
  const chunkSize = Number(row.chunk_size)
  const [start, end] = resolveRange(range, size)
  const hash = start === 0 && end === size ? createHash("sha256") : undefined
  for (let index = Math.floor(start / chunkSize); index * chunkSize < end; index++) {
    const [row] = await ops.blobReadChunks(sha, index, index + 1)
    const base = index * chunkSize
    const chunk = checkedChunk(sha, index, row, Math.min(chunkSize, size - base))
    hash?.update(chunk)
    const piece = chunk.subarray(Math.max(0, start - base), Math.min(chunk.byteLength, end - base))
    if (piece.byteLength > 0) yield piece
  }
  if (hash && hash.digest("hex") !== sha) {
    throw new IntegrityError("a blob does not match its SHA-256", { sha256: sha })
  }
}

/**
 * A chunk's bytes after checking its length and, when it was stored with one, its SHA-256:
 * a partial read of a chunk written since migration 5 is verified like a whole-blob read.
 */
function checkedChunk(sha: string, index: number, row: DbBlobChunk | undefined, size: number) {
  if (!row || row.data.byteLength !== size) {
    throw new IntegrityError("a stored blob chunk is missing or has the wrong size", {
      sha256: sha,
      chunk: index,
    })
  }
  if (row.sha256 !== null && sha256Of(row.data) !== row.sha256) {
    throw new IntegrityError("a stored blob chunk does not match its SHA-256", {
      sha256: sha,
      chunk: index,
    })
  }
  return row.data
}

function sha256Of(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex")
}

async function* listRows(ops: BlobOps): AsyncGenerator<BlobEntry> {
  for (let after = ""; ; ) {
    const rows = await ops.blobList(after, 500)
    for (const row of rows) yield entry(row)
    const last = rows.at(-1)
    if (!last || rows.length < 500) return
    after = last.sha256
  }
}

function entry(row: { sha256: string; size: number; touched_at: number }): BlobEntry {
  return { sha256: row.sha256, size: Number(row.size), modifiedAt: Number(row.touched_at) }
}
