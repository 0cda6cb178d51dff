import type { ToolOps } from "../../core/domain-ops.js"
import { ConflictError, ValidationError } from "../../core/errors.js"
import { sameColumns, TOOL_CONTENT_COLUMNS, type ToolRow } from "../../core/rows.js"
import { columnList, TOOL_COLUMNS as NAMES } from "../sql/columns.js"
import { render, toolWhere } from "../sql/where.js"
import { type Connection, numbered, violatedConstraint } from "./connection.js"

const COLUMNS = columnList(NAMES)
const VALUES = NAMES.map((_, i) => `$${i + 1}`).join(", ")

/** Tool invocation storage on PostgreSQL. */
export function postgresTools(conn: Connection): ToolOps {
  const T = conn.table("tool_invocations")
  const select = `SELECT ${COLUMNS} FROM ${T} WHERE namespace = $1 AND id = $2`
  // Insert, or read the row an earlier call stored, in one statement.
  const upsert = `WITH ins AS (INSERT INTO ${T} (${COLUMNS}) VALUES (${VALUES})
      ON CONFLICT (namespace, id) DO NOTHING RETURNING ${COLUMNS})
    SELECT true AS fresh, ${COLUMNS} FROM ins
    UNION ALL SELECT false, ${COLUMNS} FROM ${T}
      WHERE namespace = $1 AND id = $2 AND NOT EXISTS (SELECT 1 FROM ins)`
  const insert = `INSERT INTO ${T} (${COLUMNS}) VALUES (${VALUES}) RETURNING true AS fresh, ${COLUMNS}`

  return {
    async insertTool(row, { checkExisting }) {
      const params = NAMES.map((name) => row[name])
      // An empty answer means a concurrent insert of the same id committed after this
      // statement's snapshot was taken: run it again and it sees that row.
      for (let attempt = 0; attempt < 4; attempt++) {
        let found: (ToolRow & { fresh: boolean }) | undefined
        try {
          ;[found] = await conn.run<ToolRow & { fresh: boolean }>(
            checkExisting ? upsert : insert,
            params,
          )
        } catch (error) {
          if (violatedConstraint(error) !== "tools_session_fk") throw error
          throw new ValidationError("sessionId", "refers to a session that does not exist", {
            sessionId: row.session_id,
          })
        }
        if (!found) continue
        const { fresh, ...stored } = found
        if (!fresh && !sameColumns(stored, row, TOOL_CONTENT_COLUMNS)) {
          throw new ConflictError(
            `tool invocation ${row.id} already exists with different content`,
            {
              id: row.id,
            },
          )
        }
        return stored
      }
      throw new ConflictError(`tool invocation ${row.id} kept racing with concurrent inserts`, {
        id: row.id,
      })
    },

    async getTool(ns, id) {
      const [row] = await conn.query<ToolRow>(select, [ns, id])
      return row
    },

    async updateTool(ns, id, change) {
      return conn.transaction(async (client) => {
        const [current] = await conn.query<ToolRow>(`${select} FOR UPDATE`, [ns, id], client)
        if (!current) return undefined
        const patch = change(current)
        const keys = Object.keys(patch) as (keyof typeof patch)[]
        if (keys.length === 0) return current
        const sets = keys.map((key, i) => `${key} = $${i + 3}`).join(", ")
        const [updated] = await conn.query<ToolRow>(
          `UPDATE ${T} SET ${sets} WHERE namespace = $1 AND id = $2 RETURNING ${COLUMNS}`,
          [ns, id, ...keys.map((key) => patch[key])],
          client,
        )
        return updated
      })
    },

    async listTools(ns, spec) {
      const where = toolWhere(ns, spec)
      const dir = spec.order === "asc" ? "ASC" : "DESC"
      const n = where.params.length
      return conn.query<ToolRow>(
        `SELECT ${COLUMNS} FROM ${T}${numbered(render(where))} ORDER BY started_at ${dir}, id ${dir} LIMIT $${n + 1}`,
        [...where.params, spec.limit],
      )
    },

    async deleteToolsByPlan(ns, planId) {
      const [row] = await conn.run<{ n: number }>(
        `WITH d AS (DELETE FROM ${T} WHERE namespace = $1 AND plan_id = $2 RETURNING 1)
         SELECT count(*) AS n FROM d`,
        [ns, planId],
      )
      return row?.n ?? 0
    },
  }
}
