import type { BlobOps, DbBlobChunk } from "../../core/artifact-backend.js"
import type { DbBlobRow } from "../../core/artifact-rows.js"
import { blobReferencedSql } from "../../core/blob-references.js"
import type { Connection } from "./connection.js"

const STAT = "SELECT sha256, size, chunk_size, touched_at FROM blobs"

/** The in-database blob store's chunk storage on SQLite. */
export function sqliteBlobs(conn: Connection): BlobOps {
  const idOf = (sha: string) =>
    conn.prepare("SELECT id FROM blobs WHERE sha256 = ?").pluck().get(sha) as number | undefined

  return {
    async blobBeginUpload(chunkSize, now) {
      return conn.write(
        () =>
          conn
            .prepare(
              "INSERT INTO blobs (sha256, chunk_size, created_at, touched_at) VALUES (NULL, ?, ?, ?) RETURNING id",
            )
            .pluck()
            .get(chunkSize, now, now) as number,
      )
    },

    async blobWriteChunks(upload, first, chunks) {
      await conn.write(() => {
        const insert = conn.prepare(
          "INSERT INTO blob_chunks (blob_id, idx, data, sha256) VALUES (?, ?, ?, ?)",
        )
        for (const [i, chunk] of chunks.entries()) {
          insert.run(upload, first + i, chunk.data, chunk.sha256)
        }
      })
    },

    async blobCommitUpload(upload, sha256, size, now) {
      await conn.write(() => {
        const existing = idOf(sha256)
        if (existing !== undefined) {
          conn.prepare("DELETE FROM blobs WHERE id = ?").run(upload)
          conn.prepare("UPDATE blobs SET touched_at = ? WHERE id = ?").run(now, existing)
        } else {
          conn
            .prepare("UPDATE blobs SET sha256 = ?, size = ?, touched_at = ? WHERE id = ?")
            .run(sha256, size, now, upload)
        }
      })
    },

    async blobAbortUpload(upload) {
      await conn.write(() =>
        conn.prepare("DELETE FROM blobs WHERE id = ? AND sha256 IS NULL").run(upload),
      )
    },

    async blobStat(sha256) {
      return conn.query(
        () => conn.prepare(`${STAT} WHERE sha256 = ?`).get(sha256) as DbBlobRow | undefined,
      )
    },

    async blobReadChunks(sha256, from, to) {
      return conn.read(() => {
        const id = idOf(sha256)
        if (id === undefined) return []
        return conn
          .prepare(
            "SELECT data, sha256 FROM blob_chunks WHERE blob_id = ? AND idx >= ? AND idx < ? ORDER BY idx",
          )
          .all(id, from, to) as DbBlobChunk[]
      })
    },

    async blobTouch(sha256, now) {
      return conn.write(
        () =>
          conn.prepare("UPDATE blobs SET touched_at = ? WHERE sha256 = ?").run(now, sha256)
            .changes > 0,
      )
    },

    async blobDelete(sha256, collect) {
      const guard = collect
        ? ` AND touched_at < @olderThan AND NOT ${blobReferencedSql("@sha256")}`
        : ""
      return conn.write(
        () =>
          conn
            .prepare(`DELETE FROM blobs WHERE sha256 = @sha256${guard}`)
            .run(collect ? { sha256, olderThan: collect.olderThan } : { sha256 }).changes > 0,
      )
    },

    async blobList(after, limit) {
      return conn.query(
        () =>
          conn
            .prepare(`${STAT} WHERE sha256 > ? ORDER BY sha256 LIMIT ?`)
            .all(after, limit) as DbBlobRow[],
      )
    },

    async blobSweepUploads(olderThan) {
      return conn.write(
        () =>
          conn.prepare("DELETE FROM blobs WHERE sha256 IS NULL AND created_at < ?").run(olderThan)
            .changes,
      )
    },
  }
}
