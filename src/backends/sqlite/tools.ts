import type { ToolOps } from "../../core/domain-ops.js"
import { ConflictError, ValidationError } from "../../core/errors.js"
import { sameColumns, TOOL_CONTENT_COLUMNS, type ToolRow } from "../../core/rows.js"
import { columnList, namedParams, TOOL_COLUMNS } from "../sql/columns.js"
import { render, toolWhere } from "../sql/where.js"
import type { Connection } from "./connection.js"
import { sqliteCode } from "./errors.js"
import { updateRow } from "./update-row.js"

const COLUMNS = columnList(TOOL_COLUMNS)
const VALUES = namedParams(TOOL_COLUMNS)

/** Tool invocation storage on SQLite. */
export function sqliteTools(conn: Connection): ToolOps {
  const byId = (ns: string, id: string) =>
    conn
      .prepare(`SELECT ${COLUMNS} FROM tool_invocations WHERE namespace = ? AND id = ?`)
      .get(ns, id) as ToolRow | undefined

  return {
    async insertTool(row, { checkExisting }) {
      try {
        return await conn.write(() => {
          const conflict = checkExisting ? " ON CONFLICT (namespace, id) DO NOTHING" : ""
          const result = conn
            .prepare(`INSERT INTO tool_invocations (${COLUMNS}) VALUES (${VALUES})${conflict}`)
            .run(row)
          if (result.changes > 0) return row
          const existing = byId(row.namespace, row.id) as ToolRow
          if (!sameColumns(existing, row, TOOL_CONTENT_COLUMNS)) {
            throw new ConflictError(
              `tool invocation ${row.id} already exists with different content`,
              {
                id: row.id,
              },
            )
          }
          return existing
        })
      } catch (error) {
        if (sqliteCode(error) !== "SQLITE_CONSTRAINT_FOREIGNKEY") throw error
        throw new ValidationError("sessionId", "refers to a session that does not exist", {
          sessionId: row.session_id,
        })
      }
    },

    async getTool(ns, id) {
      return conn.query(() => byId(ns, id))
    },

    async updateTool(ns, id, change) {
      return conn.write(() => updateRow<ToolRow>(conn, "tool_invocations", COLUMNS, ns, id, change))
    },

    async listTools(ns, spec) {
      const where = toolWhere(ns, spec)
      const dir = spec.order === "asc" ? "ASC" : "DESC"
      const sql = `SELECT ${COLUMNS} FROM tool_invocations${render(where)} ORDER BY started_at ${dir}, id ${dir} LIMIT ?`
      return conn.query(() => conn.prepare(sql).all(...where.params, spec.limit) as ToolRow[])
    },

    async deleteToolsByPlan(ns, planId) {
      return conn.write(
        () =>
          conn
            .prepare("DELETE FROM tool_invocations WHERE namespace = ? AND plan_id = ?")
            .run(ns, planId).changes,
      )
    },
  }
}
