import type { SessionListSpec } from "../../core/backend.js"
import type { SessionOps } from "../../core/domain-ops.js"
import { ConflictError } from "../../core/errors.js"
import type { SessionRow } from "../../core/rows.js"
import { columnList, SESSION_COLUMNS } from "../sql/columns.js"
import { keysetAfter, render, type SqlDialect, sessionWhere, type Where } from "../sql/where.js"
import type { Connection } from "./connection.js"
import { mapSqliteError } from "./errors.js"
import { updateRow } from "./update-row.js"

/** SQLite's way of comparing a top-level metadata value. */
export const sqliteDialect: SqlDialect = {
  metadataEquals(column, key, value): Where {
    const path = `$."${key}"`
    if (value === null) return { sql: [`json_type(${column}, ?) = 'null'`], params: [path] }
    if (typeof value === "boolean") {
      return { sql: [`json_type(${column}, ?) = ?`], params: [path, value ? "true" : "false"] }
    }
    const types = typeof value === "number" ? "('integer', 'real')" : "('text')"
    return {
      sql: [`json_type(${column}, ?) IN ${types}`, `json_extract(${column}, ?) = ?`],
      params: [path, path, value],
    }
  },
  selective: (condition) => `likelihood(${condition}, 0.001)`,
}

const COLUMNS = columnList(SESSION_COLUMNS)

/**
 * One statement, run in autocommit: the number is read inside the statement's own write
 * transaction, so concurrent creators (any process) never share one, without `BEGIN IMMEDIATE`.
 * Stepped to its end (`all`, not `get`): an autocommit INSERT … RETURNING left after its first
 * row keeps SQLite from restarting the WAL after its checkpoints, and the file grows.
 */
const INSERT = `INSERT INTO sessions (${COLUMNS}) VALUES (?, ?, ?,
  (SELECT COALESCE(MAX(number), 0) + 1 FROM sessions WHERE namespace = ? AND agent = ?),
  ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`

/** Session storage on SQLite. */
export function sqliteSessions(conn: Connection): SessionOps {
  const select = (ns: string, id: string) =>
    conn.prepare(`SELECT ${COLUMNS} FROM sessions WHERE namespace = ? AND id = ?`).get(ns, id) as
      | SessionRow
      | undefined

  return {
    async insertSession(row) {
      try {
        const [created] = await conn.query(
          () =>
            conn
              .prepare(INSERT)
              .all(
                row.namespace,
                row.id,
                row.agent,
                row.namespace,
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
              ) as SessionRow[],
        )
        return created as SessionRow
      } catch (error) {
        const mapped = mapSqliteError(error)
        if (mapped instanceof ConflictError) {
          throw new ConflictError(`session ${row.id} already exists`, { id: row.id }, error)
        }
        throw mapped
      }
    },

    async getSession(ns, id) {
      return conn.query(() => select(ns, id))
    },

    async listSessions(ns, spec) {
      const page = () => listPage(conn, ns, spec)
      return spec.total ? conn.read(page) : conn.query(page)
    },

    async updateSession(ns, id, change) {
      return conn.write(() => updateRow<SessionRow>(conn, "sessions", COLUMNS, ns, id, change))
    },

    async deleteSession(ns, id) {
      return conn.write(
        () =>
          conn.prepare("DELETE FROM sessions WHERE namespace = ? AND id = ?").run(ns, id).changes >
          0,
      )
    },
  }
}

function listPage(conn: Connection, ns: string, spec: SessionListSpec) {
  const base = sessionWhere(sqliteDialect, ns, spec)
  const total = spec.total
    ? (
        conn.prepare(`SELECT COUNT(*) AS n FROM sessions${render(base)}`).get(...base.params) as {
          n: number
        }
      ).n
    : undefined
  const where = keysetAfter(base, spec.orderBy, spec.order, spec.after)
  const dir = spec.order === "asc" ? "ASC" : "DESC"
  const page = spec.offset > 0 ? "LIMIT ? OFFSET ?" : "LIMIT ?"
  const sql = `SELECT ${COLUMNS} FROM sessions${render(where)} ORDER BY ${spec.orderBy} ${dir}, id ${dir} ${page}`
  const bounds = spec.offset > 0 ? [spec.limit, spec.offset] : [spec.limit]
  const rows = conn.prepare(sql).all(...where.params, ...bounds) as SessionRow[]
  return total === undefined ? { rows } : { rows, total }
}
