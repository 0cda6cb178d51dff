import type { ArtifactOps } from "../../core/artifact-backend.js"
import { ARTIFACT_CONTENT_COLUMNS, type ArtifactRow } from "../../core/artifact-rows.js"
import { blobReferencedSql } from "../../core/blob-references.js"
import { ConflictError, ValidationError } from "../../core/errors.js"
import { sameColumns } from "../../core/rows.js"
import { artifactWhere } from "../sql/artifact-where.js"
import { ARTIFACT_COLUMNS, columnList, namedParams } from "../sql/columns.js"
import { render } from "../sql/where.js"
import type { Connection } from "./connection.js"
import { sqliteCode } from "./errors.js"

const COLUMNS = columnList(ARTIFACT_COLUMNS)
const VALUES = namedParams(ARTIFACT_COLUMNS)
const UPDATE = ARTIFACT_CONTENT_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", ")

/** Artifact ref storage on SQLite. */
export function sqliteArtifacts(conn: Connection): ArtifactOps {
  const byHandle = (ns: string, handle: string) =>
    conn
      .prepare(`SELECT ${COLUMNS} FROM artifacts WHERE namespace = ? AND handle = ?`)
      .get(ns, handle) as ArtifactRow | undefined

  return {
    async insertArtifact(row, { overwrite }) {
      try {
        return await conn.write(() => {
          const conflict = overwrite
            ? `ON CONFLICT (namespace, handle) DO UPDATE SET ${UPDATE}, created_at = excluded.created_at`
            : "ON CONFLICT (namespace, handle) DO NOTHING"
          const result = conn
            .prepare(`INSERT INTO artifacts (${COLUMNS}) VALUES (${VALUES}) ${conflict}`)
            .run(row)
          const stored = byHandle(row.namespace, row.handle) as ArtifactRow
          if (result.changes === 0 && !sameColumns(stored, row, ARTIFACT_CONTENT_COLUMNS)) {
            throw new ConflictError(
              `artifact ${row.handle} already exists with different content`,
              {
                handle: row.handle,
              },
            )
          }
          return stored
        })
      } catch (error) {
        if (sqliteCode(error) !== "SQLITE_CONSTRAINT_FOREIGNKEY") throw error
        throw new ValidationError("sessionId", "refers to a session that does not exist", {
          sessionId: row.session_id,
        })
      }
    },

    async getArtifact(ns, handle) {
      return conn.query(() => byHandle(ns, handle))
    },

    async listArtifacts(ns, spec) {
      const where = artifactWhere(ns, spec)
      const dir = spec.order === "asc" ? "ASC" : "DESC"
      const sql = `SELECT ${COLUMNS} FROM artifacts${render(where)} ORDER BY created_at ${dir}, handle ${dir} LIMIT ?`
      return conn.query(() => conn.prepare(sql).all(...where.params, spec.limit) as ArtifactRow[])
    },

    async deleteArtifact(ns, handle) {
      return conn.write(
        () =>
          conn.prepare("DELETE FROM artifacts WHERE namespace = ? AND handle = ?").run(ns, handle)
            .changes > 0,
      )
    },

    async unreferencedBlobs(sha256s) {
      if (sha256s.length === 0) return []
      const sql = `SELECT j.value FROM json_each(?) AS j WHERE NOT ${blobReferencedSql("j.value")}`
      return conn.read(() =>
        (conn.prepare(sql).pluck().all(JSON.stringify(sha256s)) as string[]).sort(),
      )
    },

    async claimBlobs(ns, sha256s, now) {
      if (sha256s.length === 0) return
      await conn.write(() => {
        conn
          .prepare(
            `INSERT INTO blob_owners (namespace, sha256, claimed_at)
             SELECT ?, j.value, ? FROM json_each(?) AS j WHERE true
             ON CONFLICT (namespace, sha256) DO UPDATE SET claimed_at = excluded.claimed_at`,
          )
          .run(ns, now, JSON.stringify(sha256s))
      })
    },

    async ownedBlobs(ns, sha256s) {
      if (sha256s.length === 0) return []
      const sql = `SELECT sha256 FROM blob_owners WHERE namespace = ? AND sha256 IN (SELECT value FROM json_each(?)) ORDER BY sha256`
      return conn.read(() => conn.prepare(sql).pluck().all(ns, JSON.stringify(sha256s)) as string[])
    },

    async releaseBlobs(sha256s, olderThan) {
      if (sha256s.length === 0) return
      await conn.write(() => {
        conn
          .prepare(
            "DELETE FROM blob_owners WHERE sha256 IN (SELECT value FROM json_each(?)) AND claimed_at < ?",
          )
          .run(JSON.stringify(sha256s), olderThan)
      })
    },
  }
}
