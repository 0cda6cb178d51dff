import type pg from "pg"
import type { ChangeRow, ChangesetOps, PlanRow } from "../../core/changeset-rows.js"
import { ConflictError, ValidationError } from "../../core/errors.js"
import { CHANGE_COLUMNS as CHANGE, columnList, PLAN_COLUMNS as PLAN } from "../sql/columns.js"
import { planWhere } from "../sql/plan-where.js"
import { render } from "../sql/where.js"
import { type Connection, numbered, violatedConstraint } from "./connection.js"

const PLAN_COLUMNS = columnList(PLAN)
const CHANGE_COLUMNS = columnList(CHANGE)
/** Rows per multi-row INSERT (15 parameters each, well under PostgreSQL's 65,535). */
const INSERT_CHUNK = 500

/** Plans and change entries on PostgreSQL. */
export function postgresChangesets(conn: Connection): ChangesetOps {
  const P = conn.table("plans")
  const C = conn.table("changes")
  const selectPlan = `SELECT ${PLAN_COLUMNS} FROM ${P} WHERE namespace = $1 AND id = $2`
  const lockPlan = async (client: pg.PoolClient, ns: string, id: string) =>
    (await conn.query<PlanRow>(`${selectPlan} FOR UPDATE`, [ns, id], client))[0]
  const changesOf = (ns: string, planId: string, on?: pg.PoolClient) =>
    conn.query<ChangeRow>(
      `SELECT ${CHANGE_COLUMNS} FROM ${C} WHERE namespace = $1 AND plan_id = $2 ORDER BY seq`,
      [ns, planId],
      on,
    )
  const patchPlan = async (client: pg.PoolClient, current: PlanRow, patch: object) => {
    const keys = Object.keys(patch) as (keyof PlanRow)[]
    if (keys.length === 0) return current
    const sets = keys.map((key, i) => `${key} = $${i + 3}`).join(", ")
    const values = keys.map((key) => (patch as PlanRow)[key])
    const [row] = await conn.query<PlanRow>(
      `UPDATE ${P} SET ${sets} WHERE namespace = $1 AND id = $2 RETURNING ${PLAN_COLUMNS}`,
      [current.namespace, current.id, ...values],
      client,
    )
    return row as PlanRow
  }

  return {
    async insertPlan(row) {
      try {
        const values = PLAN.map((_, i) => `$${i + 1}`).join(", ")
        await conn.run(
          `INSERT INTO ${P} (${PLAN_COLUMNS}) VALUES (${values})`,
          PLAN.map((k) => row[k]),
        )
        return row
      } catch (error) {
        const constraint = violatedConstraint(error)
        if (constraint === "plans_session_fk") {
          throw new ValidationError("sessionId", "refers to a session that does not exist", {
            sessionId: row.session_id,
          })
        }
        if (constraint === "plans_pkey")
          throw new ConflictError(`plan ${row.id} already exists`, { id: row.id })
        throw error
      }
    },

    async getPlan(ns, id) {
      return (await conn.query<PlanRow>(selectPlan, [ns, id]))[0]
    },

    async listPlans(ns, spec) {
      const where = planWhere(ns, spec)
      const dir = spec.order === "asc" ? "ASC" : "DESC"
      return conn.query<PlanRow>(
        `SELECT ${PLAN_COLUMNS} FROM ${P}${numbered(render(where))} ORDER BY created_at ${dir}, id ${dir} LIMIT $${where.params.length + 1}`,
        [...where.params, spec.limit],
      )
    },

    async updatePlan(ns, id, change) {
      return conn.transaction(async (client) => {
        const current = await lockPlan(client, ns, id)
        return current && patchPlan(client, current, change(current))
      })
    },

    async appendChanges(ns, planId, rows, check) {
      return conn.transaction(async (client) => {
        const plan = await lockPlan(client, ns, planId)
        if (!plan) return undefined
        check(plan)
        const [top] = await conn.query<{ last: number }>(
          `SELECT COALESCE(MAX(seq), 0) AS last FROM ${C} WHERE namespace = $1 AND plan_id = $2`,
          [ns, planId],
          client,
        )
        const stored = rows.map(
          (row, i): ChangeRow => ({ ...row, seq: Number(top?.last ?? 0) + i + 1 }),
        )
        for (let start = 0; start < stored.length; start += INSERT_CHUNK) {
          const chunk = stored.slice(start, start + INSERT_CHUNK)
          const tuples = chunk.map(
            (_, r) => `(${CHANGE.map((_, c) => `$${r * CHANGE.length + c + 1}`).join(", ")})`,
          )
          await client.query(
            `INSERT INTO ${C} (${CHANGE_COLUMNS}) VALUES ${tuples.join(", ")}`,
            chunk.flatMap((row) => CHANGE.map((k) => row[k])),
          )
        }
        return stored
      })
    },

    async listChanges(ns, planId, path) {
      if (path === undefined) return changesOf(ns, planId)
      return conn.query<ChangeRow>(
        `SELECT ${CHANGE_COLUMNS} FROM ${C} WHERE namespace = $1 AND plan_id = $2 AND (path = $3 OR old_path = $3) ORDER BY seq`,
        [ns, planId, path],
      )
    },

    async discardChanges(ns, planId, change) {
      return conn.transaction(async (client) => {
        const current = await lockPlan(client, ns, planId)
        if (!current) return undefined
        const patch = change(current)
        const removed = await changesOf(ns, planId, client)
        await conn.query(
          `DELETE FROM ${C} WHERE namespace = $1 AND plan_id = $2`,
          [ns, planId],
          client,
        )
        return { plan: await patchPlan(client, current, patch), removed }
      })
    },
  }
}
