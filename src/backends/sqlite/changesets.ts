import type { ChangeRow, ChangesetOps, PlanRow } from "../../core/changeset-rows.js"
import { ConflictError, ValidationError } from "../../core/errors.js"
import {
  CHANGE_COLUMNS as CHANGE,
  columnList,
  namedParams,
  PLAN_COLUMNS as PLAN,
} from "../sql/columns.js"
import { planWhere } from "../sql/plan-where.js"
import { render } from "../sql/where.js"
import type { Connection } from "./connection.js"
import { sqliteCode } from "./errors.js"
import { patchRow, updateRow } from "./update-row.js"

const PLAN_COLUMNS = columnList(PLAN)
const CHANGE_COLUMNS = columnList(CHANGE)

/** Plans and change entries on SQLite. */
export function sqliteChangesets(conn: Connection): ChangesetOps {
  const planById = (ns: string, id: string) =>
    conn.prepare(`SELECT ${PLAN_COLUMNS} FROM plans WHERE namespace = ? AND id = ?`).get(ns, id) as
      | PlanRow
      | undefined
  const changesOf = (ns: string, planId: string) =>
    conn
      .prepare(
        `SELECT ${CHANGE_COLUMNS} FROM changes WHERE namespace = ? AND plan_id = ? ORDER BY seq`,
      )
      .all(ns, planId) as ChangeRow[]
  return {
    async insertPlan(row) {
      try {
        await conn.write(() =>
          conn
            .prepare(`INSERT INTO plans (${PLAN_COLUMNS}) VALUES (${namedParams(PLAN)})`)
            .run(row),
        )
        return row
      } catch (error) {
        const code = sqliteCode(error)
        if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") {
          throw new ValidationError("sessionId", "refers to a session that does not exist", {
            sessionId: row.session_id,
          })
        }
        if (code === "SQLITE_CONSTRAINT_PRIMARYKEY")
          throw new ConflictError(`plan ${row.id} already exists`, { id: row.id })
        throw error
      }
    },

    async getPlan(ns, id) {
      return conn.query(() => planById(ns, id))
    },

    async listPlans(ns, spec) {
      const where = planWhere(ns, spec)
      const dir = spec.order === "asc" ? "ASC" : "DESC"
      const sql = `SELECT ${PLAN_COLUMNS} FROM plans${render(where)} ORDER BY created_at ${dir}, id ${dir} LIMIT ?`
      return conn.query(() => conn.prepare(sql).all(...where.params, spec.limit) as PlanRow[])
    },

    async updatePlan(ns, id, change) {
      return conn.write(() => updateRow<PlanRow>(conn, "plans", PLAN_COLUMNS, ns, id, change))
    },

    async appendChanges(ns, planId, rows, check) {
      return conn.write(() => {
        const plan = planById(ns, planId)
        if (!plan) return undefined
        check(plan)
        const last = conn
          .prepare("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE namespace = ? AND plan_id = ?")
          .pluck()
          .get(ns, planId) as number
        const insert = conn.prepare(
          `INSERT INTO changes (${CHANGE_COLUMNS}) VALUES (${namedParams(CHANGE)})`,
        )
        return rows.map((row, i) => {
          const stored: ChangeRow = { ...row, seq: last + i + 1 }
          insert.run(stored)
          return stored
        })
      })
    },

    async listChanges(ns, planId, path) {
      if (path === undefined) return conn.query(() => changesOf(ns, planId))
      const sql = `SELECT ${CHANGE_COLUMNS} FROM changes WHERE namespace = ? AND plan_id = ? AND (path = ? OR old_path = ?) ORDER BY seq`
      return conn.query(() => conn.prepare(sql).all(ns, planId, path, path) as ChangeRow[])
    },

    async discardChanges(ns, planId, change) {
      return conn.write(() => {
        const current = planById(ns, planId)
        if (!current) return undefined
        const patch = change(current)
        const removed = changesOf(ns, planId)
        conn.prepare("DELETE FROM changes WHERE namespace = ? AND plan_id = ?").run(ns, planId)
        return {
          plan: patchRow<PlanRow>(conn, "plans", PLAN_COLUMNS, ns, planId, current, patch),
          removed,
        }
      })
    },
  }
}
