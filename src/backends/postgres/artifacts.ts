import type { ArtifactOps } from "../../core/artifact-backend.js"
import { ARTIFACT_CONTENT_COLUMNS, type ArtifactRow } from "../../core/artifact-rows.js"
import { blobReferencedSql } from "../../core/blob-references.js"
import { ConflictError, ValidationError } from "../../core/errors.js"
import { sameColumns } from "../../core/rows.js"
import { artifactWhere } from "../sql/artifact-where.js"
import { columnList, ARTIFACT_COLUMNS as NAMES } from "../sql/columns.js"
import { render } from "../sql/where.js"
import { type Connection, numbered, violatedConstraint } from "./connection.js"

const COLUMNS = columnList(NAMES)
const VALUES = NAMES.map((_, i) => `$${i + 1}`).join(", ")
const UPDATE = [...ARTIFACT_CONTENT_COLUMNS, "created_at"].map((c) => `${c} = excluded.${c}`)

/** Artifact ref storage on PostgreSQL. */
export function postgresArtifacts(conn: Connection): ArtifactOps {
  const T = conn.table("artifacts")
  const OWNERS = conn.table("blob_owners")
  const select = `SELECT ${COLUMNS} FROM ${T} WHERE namespace = $1 AND handle = $2`
  const insert = (overwrite: boolean) =>
    `INSERT INTO ${T} (${COLUMNS}) VALUES (${VALUES}) ON CONFLICT (namespace, handle) ${
      overwrite ? `DO UPDATE SET ${UPDATE.join(", ")}` : "DO NOTHING"
    } RETURNING ${COLUMNS}`

  return {
    async insertArtifact(row, { overwrite }) {
      try {
        return await conn.transaction(async (client) => {
          const [inserted] = await conn.query<ArtifactRow>(
            insert(overwrite),
            NAMES.map((name) => row[name]),
            client,
          )
          if (inserted) return inserted
          const [stored] = await conn.query<ArtifactRow>(
            select,
            [row.namespace, row.handle],
            client,
          )
          if (!stored || !sameColumns(stored, row, ARTIFACT_CONTENT_COLUMNS)) {
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
        if (violatedConstraint(error) !== "artifacts_session_fk") throw error
        throw new ValidationError("sessionId", "refers to a session that does not exist", {
          sessionId: row.session_id,
        })
      }
    },

    async getArtifact(ns, handle) {
      const [row] = await conn.run<ArtifactRow>(select, [ns, handle])
      return row
    },

    async listArtifacts(ns, spec) {
      const where = artifactWhere(ns, spec)
      const dir = spec.order === "asc" ? "ASC" : "DESC"
      const sql = `SELECT ${COLUMNS} FROM ${T}${render(where)} ORDER BY created_at ${dir}, handle ${dir} LIMIT ?`
      return conn.run<ArtifactRow>(numbered(sql), [...where.params, spec.limit])
    },

    async deleteArtifact(ns, handle) {
      const rows = await conn.run(
        `DELETE FROM ${T} WHERE namespace = $1 AND handle = $2 RETURNING 1`,
        [ns, handle],
      )
      return rows.length > 0
    },

    async unreferencedBlobs(sha256s) {
      if (sha256s.length === 0) return []
      const referenced = blobReferencedSql("u.blob_sha", (name) => conn.table(name))
      const rows = await conn.run<{ blob_sha: string }>(
        `SELECT u.blob_sha FROM unnest($1::text[]) AS u(blob_sha) WHERE NOT ${referenced} ORDER BY 1`,
        [sha256s],
      )
      return rows.map((r) => r.blob_sha)
    },

    async claimBlobs(ns, sha256s, now) {
      if (sha256s.length === 0) return
      await conn.run(
        `INSERT INTO ${OWNERS} (namespace, sha256, claimed_at)
         SELECT $1, u.sha, $2 FROM unnest($3::text[]) AS u(sha)
         ON CONFLICT (namespace, sha256) DO UPDATE SET claimed_at = EXCLUDED.claimed_at`,
        [ns, now, [...new Set(sha256s)]],
      )
    },

    async ownedBlobs(ns, sha256s) {
      if (sha256s.length === 0) return []
      const rows = await conn.run<{ sha256: string }>(
        `SELECT sha256 FROM ${OWNERS} WHERE namespace = $1 AND sha256 = ANY($2::text[]) ORDER BY 1`,
        [ns, sha256s],
      )
      return rows.map((r) => r.sha256)
    },

    async releaseBlobs(sha256s, olderThan) {
      if (sha256s.length === 0) return
      await conn.run(`DELETE FROM ${OWNERS} WHERE sha256 = ANY($1::text[]) AND claimed_at < $2`, [
        sha256s,
        olderThan,
      ])
    },
  }
}
