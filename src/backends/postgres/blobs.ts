import type { BlobOps, DbBlobChunk } from "../../core/artifact-backend.js"
import type { DbBlobRow } from "../../core/artifact-rows.js"
import { blobReferencedSql } from "../../core/blob-references.js"
import { isAgentStoreError } from "../../core/errors.js"
import type { Connection } from "./connection.js"

const bytea = (chunk: Uint8Array) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)

/** The in-database blob store's chunk storage on PostgreSQL. */
export function postgresBlobs(conn: Connection): BlobOps {
  const B = conn.table("blobs")
  const C = conn.table("blob_chunks")
  const STAT = `SELECT sha256, size, chunk_size, touched_at FROM ${B}`
  const dedup = async (upload: number, sha256: string, now: number) =>
    conn.transaction(async (client) => {
      await conn.query(`DELETE FROM ${B} WHERE id = $1`, [upload], client)
      await conn.query(`UPDATE ${B} SET touched_at = $2 WHERE sha256 = $1`, [sha256, now], client)
    })

  return {
    async blobBeginUpload(chunkSize, now) {
      const [row] = await conn.run<{ id: number }>(
        `INSERT INTO ${B} (sha256, chunk_size, created_at, touched_at) VALUES (NULL, $1, $2, $2) RETURNING id`,
        [chunkSize, now],
      )
      return (row as { id: number }).id
    },

    async blobWriteChunks(upload, first, chunks) {
      await conn.transaction(async (client) => {
        for (const [i, chunk] of chunks.entries()) {
          await conn.query(
            `INSERT INTO ${C} (blob_id, idx, data, sha256) VALUES ($1, $2, $3, $4)`,
            [upload, first + i, bytea(chunk.data), chunk.sha256],
            client,
          )
        }
      })
    },

    async blobCommitUpload(upload, sha256, size, now) {
      try {
        const promoted = await conn.transaction(async (client) => {
          const existing = await conn.query(
            `SELECT id FROM ${B} WHERE sha256 = $1 FOR UPDATE`,
            [sha256],
            client,
          )
          if (existing.length > 0) return false
          await conn.query(
            `UPDATE ${B} SET sha256 = $1, size = $2, touched_at = $3 WHERE id = $4`,
            [sha256, size, now, upload],
            client,
          )
          return true
        })
        if (!promoted) await dedup(upload, sha256, now)
      } catch (error) {
        if (!isAgentStoreError(error, "CONFLICT")) throw error
        await dedup(upload, sha256, now)
      }
    },

    async blobAbortUpload(upload) {
      await conn.run(`DELETE FROM ${B} WHERE id = $1 AND sha256 IS NULL`, [upload])
    },

    async blobStat(sha256) {
      const [row] = await conn.run<DbBlobRow>(`${STAT} WHERE sha256 = $1`, [sha256])
      return row
    },

    async blobReadChunks(sha256, from, to) {
      return conn.run<DbBlobChunk>(
        `SELECT c.data, c.sha256 FROM ${C} c JOIN ${B} b ON b.id = c.blob_id
          WHERE b.sha256 = $1 AND c.idx >= $2 AND c.idx < $3 ORDER BY c.idx`,
        [sha256, from, to],
      )
    },

    async blobTouch(sha256, now) {
      const rows = await conn.run(`UPDATE ${B} SET touched_at = $2 WHERE sha256 = $1 RETURNING 1`, [
        sha256,
        now,
      ])
      return rows.length > 0
    },

    async blobDelete(sha256, collect) {
      const referenced = blobReferencedSql("$1", (name) => conn.table(name))
      const rows = collect
        ? await conn.run(
            `DELETE FROM ${B} WHERE sha256 = $1 AND touched_at < $2 AND NOT ${referenced} RETURNING 1`,
            [sha256, collect.olderThan],
          )
        : await conn.run(`DELETE FROM ${B} WHERE sha256 = $1 RETURNING 1`, [sha256])
      return rows.length > 0
    },

    async blobList(after, limit) {
      return conn.run<DbBlobRow>(`${STAT} WHERE sha256 > $1 ORDER BY sha256 LIMIT $2`, [
        after,
        limit,
      ])
    },

    async blobSweepUploads(olderThan) {
      const rows = await conn.run(
        `DELETE FROM ${B} WHERE sha256 IS NULL AND created_at < $1 RETURNING 1`,
        [olderThan],
      )
      return rows.length
    },
  }
}
