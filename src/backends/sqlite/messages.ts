import type { MessageOps } from "../../core/domain-ops.js"
import { ConflictError } from "../../core/errors.js"
import { checkReplace, sequenceConflict } from "../../core/message-replace.js"
import { MESSAGE_CONTENT_COLUMNS, type MessageRow, sameColumns } from "../../core/rows.js"
import { columnList, MESSAGE_COLUMNS } from "../sql/columns.js"
import type { Connection } from "./connection.js"

const COLUMNS = columnList(MESSAGE_COLUMNS)

const INSERT = `INSERT INTO messages (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const BUMP = `UPDATE sessions SET last_sequence = last_sequence + ?, message_count = message_count + ?,
  updated_at = max(updated_at, ?) WHERE namespace = ? AND id = ? RETURNING last_sequence`

/** Message storage on SQLite. */
export function sqliteMessages(conn: Connection): MessageOps {
  const byId = (ns: string, id: string) =>
    conn.prepare(`SELECT ${COLUMNS} FROM messages WHERE namespace = ? AND id = ?`).get(ns, id) as
      | MessageRow
      | undefined
  const sessionExists = (ns: string, id: string) =>
    conn.prepare("SELECT 1 FROM sessions WHERE namespace = ? AND id = ?").get(ns, id) !== undefined

  /** The stored rows of re-sent ids; any re-send with other content is a conflict, before any insert. */
  const storedCopies = (ns: string, rows: Omit<MessageRow, "sequence">[]) => {
    const stored = new Map<string, MessageRow>()
    for (const row of rows) {
      const existing = byId(ns, row.id)
      if (!existing) continue
      if (!sameColumns<Omit<MessageRow, "sequence">>(existing, row, MESSAGE_CONTENT_COLUMNS)) {
        throw new ConflictError(`message ${row.id} already exists with different content`, {
          id: row.id,
        })
      }
      stored.set(row.id, existing)
    }
    return stored
  }

  return {
    async appendMessages(ns, sessionId, rows, { expectedSequence, checkExisting, now }) {
      return conn.write(() => {
        const stored = checkExisting ? storedCopies(ns, rows) : new Map<string, MessageRow>()
        const fresh = stored.size === 0 ? rows : rows.filter((row) => !stored.has(row.id))
        if (fresh.length > 0) {
          const inserted = insertFresh(conn, ns, sessionId, fresh, now, expectedSequence)
          if (!inserted || fresh === rows) return inserted
          for (const row of inserted) stored.set(row.id, row)
        } else if (!sessionExists(ns, sessionId)) {
          return undefined
        }
        return rows.map((row) => stored.get(row.id) as MessageRow)
      })
    },

    async listMessages(ns, sessionId, spec) {
      const bounds = [
        spec.after === undefined ? "" : " AND sequence > @after",
        spec.before === undefined ? "" : " AND sequence < @before",
      ].join("")
      const sql = `SELECT ${COLUMNS} FROM messages WHERE namespace = @ns AND session_id = @sessionId${bounds}
           ORDER BY sequence ${spec.order === "asc" ? "ASC" : "DESC"} LIMIT @limit`
      return conn.query(() => {
        const rows = conn
          .prepare(sql)
          .all({ ns, sessionId, limit: spec.limit, ...bound(spec) }) as MessageRow[]
        return rows.length === 0 && !sessionExists(ns, sessionId) ? undefined : rows
      })
    },

    async getMessage(ns, id) {
      return conn.query(() => byId(ns, id))
    },

    async countMessages(ns, sessionId) {
      const row = await conn.query(
        () =>
          conn
            .prepare("SELECT message_count FROM sessions WHERE namespace = ? AND id = ?")
            .get(ns, sessionId) as { message_count: number } | undefined,
      )
      return row?.message_count
    },

    async truncateMessages(ns, sessionId, afterSequence, now) {
      return conn.write(() =>
        sessionExists(ns, sessionId) ? cut(conn, ns, sessionId, afterSequence, now) : undefined,
      )
    },

    async popMessage(ns, sessionId, now) {
      return conn.write(() => {
        const session = conn
          .prepare("SELECT last_sequence FROM sessions WHERE namespace = ? AND id = ?")
          .get(ns, sessionId) as { last_sequence: number } | undefined
        if (!session) return undefined
        if (session.last_sequence === 0) return null
        return cut(conn, ns, sessionId, session.last_sequence - 1, now)[0] ?? null
      })
    },

    async replaceMessages(ns, sessionId, afterSequence, rows, options) {
      const { expectedSequence, expectedLastId, now } = options
      return conn.write(() => {
        const session = conn
          .prepare("SELECT last_sequence FROM sessions WHERE namespace = ? AND id = ?")
          .get(ns, sessionId) as { last_sequence: number } | undefined
        if (!session) return undefined
        const last =
          expectedLastId === undefined
            ? undefined
            : (conn
                .prepare(
                  "SELECT id FROM messages WHERE namespace = ? AND session_id = ? AND sequence = ?",
                )
                .get(ns, sessionId, expectedSequence) as { id: string } | undefined)
        checkReplace(sessionId, session.last_sequence, last?.id ?? null, options)
        cut(conn, ns, sessionId, afterSequence, now)
        if (rows.length === 0) return []
        return insertFresh(conn, ns, sessionId, rows, now, afterSequence)
      })
    },
  }
}

/** Inside a write: removes the messages after `after` and adjusts the session's counters. */
function cut(
  conn: Connection,
  ns: string,
  sessionId: string,
  after: number,
  now: number,
): MessageRow[] {
  const removed = conn
    .prepare(
      `DELETE FROM messages WHERE namespace = ? AND session_id = ? AND sequence > ? RETURNING ${COLUMNS}`,
    )
    .all(ns, sessionId, after) as MessageRow[]
  if (removed.length > 0) {
    conn
      .prepare(
        `UPDATE sessions SET message_count = message_count - @n, last_sequence = min(last_sequence, @after),
           updated_at = max(updated_at, @now) WHERE namespace = @ns AND id = @sessionId`,
      )
      .run({ n: removed.length, after, now, ns, sessionId })
  }
  return removed.sort((a, b) => a.sequence - b.sequence)
}

/** Bumps the session by `fresh.length` and inserts the rows with their sequences. */
function insertFresh(
  conn: Connection,
  ns: string,
  sessionId: string,
  fresh: Omit<MessageRow, "sequence">[],
  now: number,
  expectedSequence: number | undefined,
): MessageRow[] | undefined {
  const n = fresh.length
  const bumped = conn.prepare(BUMP).get(n, n, now, ns, sessionId) as
    | { last_sequence: number }
    | undefined
  if (!bumped) return undefined
  const first = bumped.last_sequence - n + 1
  if (expectedSequence !== undefined && first - 1 !== expectedSequence) {
    throw sequenceConflict(sessionId, first - 1, expectedSequence)
  }
  const insert = conn.prepare(INSERT)
  const inserted = new Array<MessageRow>(n)
  for (let i = 0; i < n; i++) {
    const r = withSequence(fresh[i] as Omit<MessageRow, "sequence">, first + i)
    insert.run(
      r.namespace,
      r.id,
      r.session_id,
      r.sequence,
      r.role,
      r.content,
      r.name,
      r.tool_call_id,
      r.usage,
      r.metadata,
      r.created_at,
    )
    inserted[i] = r
  }
  return inserted
}

function withSequence(row: Omit<MessageRow, "sequence">, sequence: number): MessageRow {
  return {
    namespace: row.namespace,
    id: row.id,
    session_id: row.session_id,
    sequence,
    role: row.role,
    content: row.content,
    name: row.name,
    tool_call_id: row.tool_call_id,
    usage: row.usage,
    metadata: row.metadata,
    created_at: row.created_at,
  }
}

function bound(spec: { after?: number; before?: number }) {
  const params: Record<string, number> = {}
  if (spec.after !== undefined) params.after = spec.after
  if (spec.before !== undefined) params.before = spec.before
  return params
}
