import type { MessageOps } from "../../core/domain-ops.js"
import { ConflictError } from "../../core/errors.js"
import { checkReplace, sequenceConflict } from "../../core/message-replace.js"
import { MESSAGE_CONTENT_COLUMNS, type MessageRow, sameColumns } from "../../core/rows.js"
import { columnList, MESSAGE_COLUMNS } from "../sql/columns.js"
import { type Connection, violatedConstraint } from "./connection.js"

const COLUMNS = columnList(MESSAGE_COLUMNS)

/** What the append statement reports besides the rows it wrote. */
interface AppendResult {
  bumped: number | null
  current: number | null
  differs: number
  existing: MessageRow[] | null
}

/** How often an append that raced with an identical re-send is re-run (it then finds the row). */
const RESEND_RETRIES = 3

/**
 * The whole append as one statement: find re-sent ids, bump the session's counters (the row
 * lock serialises appends to one session, and `expectedSequence` is checked against the
 * latest committed value), insert the new rows with the sequences the bump handed out.
 *
 * The ids array is read through a sub-select, so the planner estimates the input's rows the
 * same way with and without the parameter values. Seeing a 1-element array, a custom plan
 * always looks cheaper than the cached generic one once the tables have statistics, and
 * PostgreSQL would plan the statement again on every call (about 1 ms each).
 */
function appendSql(conn: Connection, checkExisting: boolean): string {
  const M = conn.table("messages")
  const S = conn.table("sessions")
  const input = `SELECT * FROM unnest((SELECT $5::text[]), $6::text[], $7::text[], $8::text[], $9::text[],
      $10::text[], $11::text[], $12::bigint[])
      WITH ORDINALITY AS t(id, role, content, name, tool_call_id, usage, metadata, created_at, ord)`
  const existing = checkExisting
    ? `SELECT ${MESSAGE_COLUMNS.map((column) => `m.${column}`).join(", ")}
         FROM ${M} m JOIN input i ON m.namespace = $1 AND m.id = i.id`
    : `SELECT ${COLUMNS} FROM ${M} WHERE false`
  const differs = MESSAGE_CONTENT_COLUMNS.map((column) =>
    column === "session_id" ? "e.session_id <> $2" : `e.${column} IS DISTINCT FROM i.${column}`,
  ).join(" OR ")
  return `WITH input AS (${input}),
  existing AS (${existing}),
  differs AS (SELECT 1 FROM existing e JOIN input i ON i.id = e.id WHERE ${differs}),
  fresh AS (SELECT i.*, row_number() OVER (ORDER BY i.ord) AS rn FROM input i
    WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.id = i.id)),
  bump AS (UPDATE ${S} s SET last_sequence = s.last_sequence + f.n, message_count = s.message_count + f.n,
      updated_at = greatest(s.updated_at, $3::bigint)
    FROM (SELECT count(*) AS n FROM fresh) f
    WHERE s.namespace = $1 AND s.id = $2 AND f.n > 0 AND NOT EXISTS (SELECT 1 FROM differs)
      AND ($4::bigint IS NULL OR s.last_sequence = $4::bigint)
    RETURNING s.last_sequence, f.n),
  ins AS (INSERT INTO ${M} (${COLUMNS})
    SELECT $1, f.id, $2, b.last_sequence - b.n + f.rn, f.role, f.content, f.name, f.tool_call_id,
      f.usage, f.metadata, f.created_at FROM fresh f CROSS JOIN bump b RETURNING 1)
  SELECT (SELECT last_sequence FROM bump) AS bumped,
    (SELECT last_sequence FROM ${S} WHERE namespace = $1 AND id = $2) AS current,
    (SELECT count(*) FROM differs) AS differs,
    (SELECT json_agg(e) FROM existing e) AS existing`
}

/**
 * The common append: no `expectedSequence`, and rows taken to be new (generated ids, or caller
 * ids tried first as new: a stored one fails the whole statement on the primary key). The
 * statement only bumps the session (the row lock serialises appends to one session and hands
 * out `$3` gap-free sequences) and inserts the rows numbered from the bumped value. No row
 * comes back when the session does not exist.
 */
function leanAppendSql(conn: Connection): string {
  return `WITH bump AS (UPDATE ${conn.table("sessions")}
      SET last_sequence = last_sequence + $3, message_count = message_count + $3,
        updated_at = greatest(updated_at, $4::bigint)
      WHERE namespace = $1 AND id = $2 RETURNING last_sequence),
    ins AS (INSERT INTO ${conn.table("messages")} (${COLUMNS})
      SELECT $1, i.id, $2, b.last_sequence - $3 + i.ord, i.role, i.content, i.name, i.tool_call_id,
        i.usage, i.metadata, i.created_at
      FROM bump b, unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
        $11::text[], $12::bigint[])
        WITH ORDINALITY AS i(id, role, content, name, tool_call_id, usage, metadata, created_at, ord))
  SELECT last_sequence FROM bump`
}

/** Message storage on PostgreSQL. */
export function postgresMessages(conn: Connection): MessageOps {
  const M = conn.table("messages")
  const S = conn.table("sessions")
  const sql = {
    checked: appendSql(conn, true),
    unchecked: appendSql(conn, false),
    lean: leanAppendSql(conn),
  }
  const sessionExists = async (ns: string, id: string) =>
    (await conn.query(`SELECT 1 FROM ${S} WHERE namespace = $1 AND id = $2`, [ns, id])).length > 0

  const appendOnce = async (
    ns: string,
    sessionId: string,
    rows: Omit<MessageRow, "sequence">[],
    options: { expectedSequence?: number; checkExisting: boolean; now: number },
  ) => {
    const [result] = await conn.run<AppendResult>(
      options.checkExisting ? sql.checked : sql.unchecked,
      [ns, sessionId, options.now, options.expectedSequence ?? null, ...columnArrays(rows)],
    )
    return result as AppendResult
  }

  const appendLean = async (
    ns: string,
    sessionId: string,
    rows: Omit<MessageRow, "sequence">[],
    now: number,
  ) => {
    const [bumped] = await conn.run<{ last_sequence: number }>(sql.lean, [
      ns,
      sessionId,
      rows.length,
      now,
      ...columnArrays(rows),
    ])
    if (!bumped) return undefined
    const first = bumped.last_sequence - rows.length + 1
    return rows.map((row, i): MessageRow => ({ ...row, sequence: first + i }))
  }

  /**
   * Caller ids are usually new: the lean statement inserts them with no look-up, and the
   * primary key refuses a re-sent id. `undefined` sends the append to the checked statement
   * (an id already stored, or no such session: the checked statement tells which).
   */
  const appendFresh = async (
    ns: string,
    sessionId: string,
    rows: Omit<MessageRow, "sequence">[],
    now: number,
  ) => {
    try {
      return await appendLean(ns, sessionId, rows, now)
    } catch (error) {
      if (violatedConstraint(error) === "messages_pkey") return undefined
      throw error
    }
  }

  return {
    async appendMessages(ns, sessionId, rows, options) {
      if (options.expectedSequence === undefined && rows.length > 0) {
        if (!options.checkExisting) return appendLean(ns, sessionId, rows, options.now)
        const stored = await appendFresh(ns, sessionId, rows, options.now)
        if (stored) return stored
      }
      let result: AppendResult
      for (let attempt = 0; ; attempt++) {
        try {
          result = await appendOnce(ns, sessionId, rows, options)
          break
        } catch (error) {
          const raced = options.checkExisting && violatedConstraint(error) === "messages_pkey"
          if (!raced || attempt >= RESEND_RETRIES) throw error
        }
      }
      const stored = finishAppend(result, rows, options.expectedSequence)
      if (stored !== "stale") return stored
      // The statement's snapshot may predate the append that won: read the sequence now.
      const [now] = await conn.query<{ last_sequence: number }>(
        `SELECT last_sequence FROM ${S} WHERE namespace = $1 AND id = $2`,
        [ns, sessionId],
      )
      const actual = now?.last_sequence ?? result.current
      throw sequenceConflict(sessionId, actual, options.expectedSequence as number)
    },

    async listMessages(ns, sessionId, spec) {
      const params: unknown[] = [ns, sessionId, spec.limit]
      let bounds = ""
      if (spec.after !== undefined) bounds += ` AND sequence > $${params.push(spec.after)}`
      if (spec.before !== undefined) bounds += ` AND sequence < $${params.push(spec.before)}`
      const rows = await conn.query<MessageRow>(
        `SELECT ${COLUMNS} FROM ${M} WHERE namespace = $1 AND session_id = $2${bounds}
         ORDER BY sequence ${spec.order === "asc" ? "ASC" : "DESC"} LIMIT $3`,
        params,
      )
      if (rows.length === 0 && !(await sessionExists(ns, sessionId))) return undefined
      return rows
    },

    async getMessage(ns, id) {
      const [row] = await conn.query<MessageRow>(
        `SELECT ${COLUMNS} FROM ${M} WHERE namespace = $1 AND id = $2`,
        [ns, id],
      )
      return row
    },

    async countMessages(ns, sessionId) {
      const [row] = await conn.query<{ message_count: number }>(
        `SELECT message_count FROM ${S} WHERE namespace = $1 AND id = $2`,
        [ns, sessionId],
      )
      return row?.message_count
    },

    async truncateMessages(ns, sessionId, afterSequence, now) {
      // The session row is locked first, so the DELETE's snapshot holds every committed append.
      return conn.transaction(async (client) => {
        const locked = await conn.query(
          `SELECT 1 FROM ${S} WHERE namespace = $1 AND id = $2 FOR UPDATE`,
          [ns, sessionId],
          client,
        )
        if (locked.length === 0) return undefined
        return conn.query<MessageRow>(
          `WITH del AS (DELETE FROM ${M} WHERE namespace = $1 AND session_id = $2 AND sequence > $3
             RETURNING ${COLUMNS}),
           upd AS (UPDATE ${S} SET message_count = message_count - (SELECT count(*) FROM del),
             last_sequence = least(last_sequence, $3::bigint), updated_at = greatest(updated_at, $4::bigint)
             WHERE namespace = $1 AND id = $2 AND EXISTS (SELECT 1 FROM del) RETURNING 1)
           SELECT ${COLUMNS} FROM del ORDER BY sequence`,
          [ns, sessionId, afterSequence, now],
          client,
        )
      })
    },

    async popMessage(ns, sessionId, now) {
      // The session row lock orders this pop after every append that committed before it.
      return conn.transaction(async (client) => {
        const [session] = await conn.query<{ last_sequence: number }>(
          `SELECT last_sequence FROM ${S} WHERE namespace = $1 AND id = $2 FOR UPDATE`,
          [ns, sessionId],
          client,
        )
        if (!session) return undefined
        const [removed] = await conn.query<MessageRow>(
          `WITH del AS (DELETE FROM ${M} WHERE namespace = $1 AND session_id = $2 AND sequence = $3
             RETURNING ${COLUMNS}),
           upd AS (UPDATE ${S} SET message_count = message_count - 1, last_sequence = last_sequence - 1,
             updated_at = greatest(updated_at, $4::bigint)
             WHERE namespace = $1 AND id = $2 AND EXISTS (SELECT 1 FROM del) RETURNING 1)
           SELECT ${COLUMNS} FROM del`,
          [ns, sessionId, session.last_sequence, now],
          client,
        )
        return removed ?? null
      })
    },

    async replaceMessages(ns, sessionId, afterSequence, rows, options) {
      const { expectedSequence, now } = options
      return conn.transaction(async (client) => {
        const [session] = await conn.query<{ last_sequence: number; last_id: string | null }>(
          `SELECT s.last_sequence, m.id AS last_id FROM ${S} s LEFT JOIN ${M} m
             ON m.namespace = s.namespace AND m.session_id = s.id AND m.sequence = $3
           WHERE s.namespace = $1 AND s.id = $2 FOR UPDATE OF s`,
          [ns, sessionId, expectedSequence],
          client,
        )
        if (!session) return undefined
        checkReplace(sessionId, Number(session.last_sequence), session.last_id, options)
        await conn.query(cutSql(conn), [ns, sessionId, afterSequence, now], client)
        if (rows.length === 0) return []
        await conn.query(sql.lean, [ns, sessionId, rows.length, now, ...columnArrays(rows)], client)
        return rows.map((row, i): MessageRow => ({ ...row, sequence: afterSequence + 1 + i }))
      })
    },
  }
}

/** Removes the messages after `$3` and adjusts the session's counters (session row locked first). */
function cutSql(conn: Connection): string {
  const M = conn.table("messages")
  const S = conn.table("sessions")
  return `WITH del AS (DELETE FROM ${M} WHERE namespace = $1 AND session_id = $2 AND sequence > $3
      RETURNING sequence),
    upd AS (UPDATE ${S} SET message_count = message_count - (SELECT count(*) FROM del),
      last_sequence = least(last_sequence, $3::bigint), updated_at = greatest(updated_at, $4::bigint)
      WHERE namespace = $1 AND id = $2 AND EXISTS (SELECT 1 FROM del) RETURNING 1)
    SELECT count(*) AS removed FROM del`
}

/** The columns both append statements take as arrays, in their parameter order. */
const ARRAY_COLUMNS = MESSAGE_COLUMNS.filter(
  (column) => column !== "namespace" && column !== "session_id" && column !== "sequence",
)

/** The rows as one array per column of `ARRAY_COLUMNS`. */
function columnArrays(rows: Omit<MessageRow, "sequence">[]): unknown[][] {
  return ARRAY_COLUMNS.map((key) => rows.map((row) => row[key]))
}

function finishAppend(
  result: AppendResult,
  rows: Omit<MessageRow, "sequence">[],
  expectedSequence: number | undefined,
): MessageRow[] | undefined | "stale" {
  const stored = new Map<string, MessageRow>()
  for (const row of result.existing ?? []) stored.set(row.id, row)
  for (const row of rows) {
    const existing = stored.get(row.id)
    if (
      existing &&
      !sameColumns(existing, { ...row, sequence: existing.sequence }, MESSAGE_CONTENT_COLUMNS)
    ) {
      throw new ConflictError(`message ${row.id} already exists with different content`, {
        id: row.id,
      })
    }
  }
  const fresh = rows.filter((row) => !stored.has(row.id))
  if (fresh.length > 0) {
    if (result.bumped === null) {
      if (result.current === null || expectedSequence === undefined) return undefined
      return "stale"
    }
    const first = result.bumped - fresh.length + 1
    for (const [i, row] of fresh.entries()) stored.set(row.id, { ...row, sequence: first + i })
  } else if (result.current === null) {
    return undefined
  }
  return rows.map((row) => stored.get(row.id) as MessageRow)
}
