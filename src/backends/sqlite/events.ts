import type { EventQuerySpec, EventSummaryRow } from "../../core/backend.js"
import type { EventOps } from "../../core/domain-ops.js"
import { ConflictError, ValidationError } from "../../core/errors.js"
import { EVENT_CONTENT_COLUMNS, type EventRow, sameColumns } from "../../core/rows.js"
import { checkOneNamespace } from "../../core/validation.js"
import { columnList, EVENT_COLUMNS, EVENT_INSERT_COLUMNS } from "../sql/columns.js"
import { and, eventWhere, render, type Where, whereNamespace } from "../sql/where.js"
import type { Connection } from "./connection.js"
import { sqliteCode } from "./errors.js"
import { sqliteDialect } from "./sessions.js"

const COLUMNS = columnList(EVENT_COLUMNS)
const INSERT = `INSERT INTO events (${columnList(EVENT_INSERT_COLUMNS)})
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

/** Event storage on SQLite. The cursor is an AUTOINCREMENT rowid: writes are serial, so it is commit order. */
export function sqliteEvents(conn: Connection): EventOps {
  const byId = (ns: string, id: string) =>
    conn.prepare(`SELECT ${COLUMNS} FROM events WHERE namespace = ? AND id = ?`).get(ns, id) as
      | EventRow
      | undefined

  /** The stored rows of re-sent ids; any re-send with other content is a conflict, before any insert. */
  const storedCopies = (rows: Omit<EventRow, "cursor">[]) => {
    const stored = new Map<string, EventRow>()
    for (const row of rows) {
      const existing = byId(row.namespace, row.id)
      if (!existing) continue
      if (!sameColumns<Omit<EventRow, "cursor">>(existing, row, EVENT_CONTENT_COLUMNS)) {
        throw new ConflictError(`event ${row.id} already exists with different content`, {
          id: row.id,
        })
      }
      stored.set(row.id, withTextCursor(existing))
    }
    return stored
  }

  return {
    async appendEvents(rows, { checkExisting }) {
      checkOneNamespace("events", rows)
      try {
        return await conn.write(() => {
          const stored = checkExisting ? storedCopies(rows) : undefined
          const insert = conn.prepare(INSERT)
          return rows.map((row) => {
            const existing = stored?.get(row.id)
            if (existing) return existing
            const result = insert.run(
              row.namespace,
              row.id,
              row.kind,
              row.data,
              row.text,
              row.session_id,
              row.agent,
              row.parent_id,
              row.artifact_ref,
              row.time,
            )
            return withCursor(row, String(result.lastInsertRowid))
          })
        })
      } catch (error) {
        if (sqliteCode(error) !== "SQLITE_CONSTRAINT_FOREIGNKEY") throw error
        const missing = rows.filter((row) => row.session_id !== null).map((row) => row.session_id)
        throw new ValidationError("sessionId", "refers to a session that does not exist", {
          sessionIds: [...new Set(missing)],
        })
      }
    },

    async queryEvents(ns, spec) {
      const { sql, params } = pageQuery(ns, spec)
      return conn.query(() => (conn.prepare(sql).all(...params) as EventRow[]).map(withTextCursor))
    },

    async countEvents(ns, filter) {
      const where = eventWhere(ns, filter, sqliteDialect)
      const sql = `SELECT COUNT(*) AS n FROM events${render(where)}`
      return conn.query(() => (conn.prepare(sql).get(...where.params) as { n: number }).n)
    },

    async summarizeEvents(ns, filter) {
      const where = eventWhere(ns, filter, sqliteDialect)
      return conn.read((): EventSummaryRow => {
        const totals = conn
          .prepare(
            `SELECT COUNT(*) AS total, COUNT(DISTINCT session_id) AS sessions, MIN(time) AS first, MAX(time) AS last
             FROM events${render(where)}`,
          )
          .get(...where.params) as {
          total: number
          sessions: number
          first: number | null
          last: number | null
        }
        const kinds = conn
          .prepare(
            `SELECT kind, COUNT(*) AS n FROM events${render(where)} GROUP BY kind ORDER BY kind`,
          )
          .all(...where.params) as { kind: string; n: number }[]
        return {
          total: totals.total,
          sessions: totals.sessions,
          firstTime: totals.first,
          lastTime: totals.last,
          byKind: kinds.map((k) => [k.kind, k.n]),
        }
      })
    },

    async getEvent(ns, id) {
      const row = await conn.query(() => byId(ns, id))
      return row && withTextCursor(row)
    },

    async deleteEvents(ns, scope) {
      const where = whereNamespace(ns)
      if (scope.sessionId !== undefined) and(where, "session_id = ?", scope.sessionId)
      if (scope.agent !== undefined) and(where, "agent = ?", scope.agent)
      return conn.write(
        () => conn.prepare(`DELETE FROM events${render(where)}`).run(...where.params).changes,
      )
    },
  }
}

/**
 * One page of events. Several kinds become one index range per kind, each read up to the page
 * size and merged by cursor, so a page costs (kinds × limit) rows however the kinds are spread.
 */
function pageQuery(ns: string, spec: EventQuerySpec): { sql: string; params: unknown[] } {
  const dir = spec.order === "asc" ? "ASC" : "DESC"
  const page = (where: Where) =>
    `SELECT ${COLUMNS} FROM events${render(where)} ORDER BY cursor ${dir} LIMIT ?`
  const kinds = spec.kinds ?? []
  if (kinds.length < 2) {
    const where = eventWhere(ns, spec, sqliteDialect)
    return { sql: page(where), params: [...where.params, spec.limit] }
  }
  const arms = kinds.map((kind) => eventWhere(ns, { ...spec, kinds: [kind] }, sqliteDialect))
  return {
    sql: `SELECT ${COLUMNS} FROM (${arms.map((arm) => `SELECT * FROM (${page(arm)})`).join(" UNION ALL ")})
      ORDER BY cursor ${dir} LIMIT ?`,
    params: [...arms.flatMap((arm) => [...arm.params, spec.limit]), spec.limit],
  }
}

function withCursor(row: Omit<EventRow, "cursor">, cursor: string): EventRow {
  return {
    namespace: row.namespace,
    id: row.id,
    cursor,
    kind: row.kind,
    data: row.data,
    text: row.text,
    session_id: row.session_id,
    agent: row.agent,
    parent_id: row.parent_id,
    artifact_ref: row.artifact_ref,
    time: row.time,
  }
}

function withTextCursor(row: EventRow): EventRow {
  row.cursor = String(row.cursor)
  return row
}
