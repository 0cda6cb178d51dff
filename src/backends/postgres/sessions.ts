import type { SessionListSpec } from "../../core/backend.js"
import type { SessionOps } from "../../core/domain-ops.js"
import { ConflictError } from "../../core/errors.js"
import type { SessionRow } from "../../core/rows.js"
import { columnList, SESSION_COLUMNS } from "../sql/columns.js"
import { keysetAfter, render, type SqlDialect, sessionWhere, type Where } from "../sql/where.js"
import { type Connection, numbered, violatedConstraint } from "./connection.js"

/**
 * Makes stored JSON text parseable by PostgreSQL's `json` functions, which refuse `\u0000` and
 * lone surrogate escapes. The rewrite is injective on `JSON.stringify` output: escaped
 * backslashes become `\u005c`, `\u0000` becomes `\u0030` and `\udXXX` becomes `\u0031dXXX`,
 * escapes `JSON.stringify` never writes. The filter value goes through the same rewrite.
 */
export const SAFE_JSON = (column: string) =>
  `replace(replace(replace(${column}, '\\\\', '\\u005c'), '\\u0000', '\\u0030'), '\\ud', '\\u0031d')`

/** The same rewrite as `SAFE_JSON`, in JavaScript. */
export function safeJsonText(json: string): string {
  return json
    .replaceAll("\\\\", "\\u005c")
    .replaceAll("\\u0000", "\\u0030")
    .replaceAll("\\ud", "\\u0031d")
}

/**
 * PostgreSQL's way of comparing a top-level metadata value: the JSON text of the value under
 * `key` equals the canonical JSON text of the filter value (the store writes canonical JSON).
 */
export const postgresDialect: SqlDialect = {
  metadataEquals(column, key, value): Where {
    return {
      sql: [`(${SAFE_JSON(column)}::json -> ?)::text = ?`],
      params: [key, safeJsonText(JSON.stringify(value))],
    }
  },
}

const COLUMNS = columnList(SESSION_COLUMNS)

/** How many times a session insert that raced for the agent's next number is retried. */
const NUMBER_RETRIES = 100

/** Session storage on PostgreSQL. */
export function postgresSessions(conn: Connection): SessionOps {
  const T = conn.table("sessions")
  const insert = `INSERT INTO ${T} (${COLUMNS}) VALUES ($1, $2, $3,
      (SELECT COALESCE(MAX(number), 0) + 1 FROM ${T} WHERE namespace = $1 AND agent = $3),
      $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${COLUMNS}`
  const select = `SELECT ${COLUMNS} FROM ${T} WHERE namespace = $1 AND id = $2`

  return {
    async insertSession(row) {
      const params = [
        row.namespace,
        row.id,
        row.agent,
        row.title,
        row.metadata,
        row.input_tokens,
        row.output_tokens,
        row.total_tokens,
        row.usage_extra,
        row.message_count,
        row.last_sequence,
        row.created_at,
        row.updated_at,
      ]
      for (let attempt = 0; ; attempt++) {
        try {
          const [stored] = await conn.run<SessionRow>(insert, params)
          return stored as SessionRow
        } catch (error) {
          const constraint = violatedConstraint(error)
          if (constraint === "sessions_agent_number" && attempt < NUMBER_RETRIES) continue
          if (error instanceof ConflictError && constraint === "sessions_pkey") {
            throw new ConflictError(`session ${row.id} already exists`, { id: row.id }, error.cause)
          }
          throw error
        }
      }
    },

    async getSession(ns, id) {
      const [row] = await conn.query<SessionRow>(select, [ns, id])
      return row
    },

    async listSessions(ns, spec) {
      return listPage(conn, ns, spec)
    },

    async updateSession(ns, id, change) {
      return conn.transaction(async (client) => {
        const [current] = await conn.query<SessionRow>(`${select} FOR UPDATE`, [ns, id], client)
        if (!current) return undefined
        const patch = change(current)
        const keys = Object.keys(patch) as (keyof typeof patch)[]
        if (keys.length === 0) return current
        const sets = keys.map((key, i) => `${key} = $${i + 3}`).join(", ")
        const [updated] = await conn.query<SessionRow>(
          `UPDATE ${T} SET ${sets} WHERE namespace = $1 AND id = $2 RETURNING ${COLUMNS}`,
          [ns, id, ...keys.map((key) => patch[key])],
          client,
        )
        return updated
      })
    },

    async deleteSession(ns, id) {
      const rows = await conn.run(`DELETE FROM ${T} WHERE namespace = $1 AND id = $2 RETURNING 1`, [
        ns,
        id,
      ])
      return rows.length > 0
    },
  }
}

async function listPage(conn: Connection, ns: string, spec: SessionListSpec) {
  const T = conn.table("sessions")
  const base = sessionWhere(postgresDialect, ns, spec)
  const baseSql = numbered(render(base))
  const where = keysetAfter(
    { sql: [...base.sql], params: [...base.params] },
    spec.orderBy,
    spec.order,
    spec.after,
  )
  const dir = spec.order === "asc" ? "ASC" : "DESC"
  const n = where.params.length
  // OFFSET only when asked: a generic plan with `OFFSET $n` looks costlier than a custom one,
  // so the server would re-plan the statement on every page.
  const offset = spec.offset > 0 ? ` OFFSET $${n + 2}` : ""
  const page = `SELECT ${COLUMNS} FROM ${T}${numbered(render(where))} ORDER BY ${spec.orderBy} ${dir}, id ${dir} LIMIT $${n + 1}${offset}`
  const params =
    spec.offset > 0 ? [...where.params, spec.limit, spec.offset] : [...where.params, spec.limit]
  if (!spec.total) return { rows: await conn.query<SessionRow>(page, params) }
  // One statement, one snapshot: the total of the whole filter beside the page.
  const sql = `SELECT c.total, p.* FROM (SELECT count(*) AS total FROM ${T}${baseSql}) c
    LEFT JOIN LATERAL (${page}) p ON true`
  const rows = await conn.query<SessionRow & { total: number }>(sql, params)
  const total = rows[0]?.total ?? 0
  return {
    rows: rows.filter((row) => row.id !== null).map(({ total: _, ...row }) => row as SessionRow),
    total,
  }
}
