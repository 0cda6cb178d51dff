import type { EventSummaryRow } from "../../core/backend.js"
import type { EventOps } from "../../core/domain-ops.js"
import { ConflictError, ValidationError } from "../../core/errors.js"
import { EVENT_CONTENT_COLUMNS, type EventRow, sameColumns } from "../../core/rows.js"
import { checkOneNamespace } from "../../core/validation.js"
import { columnList, EVENT_COLUMNS, EVENT_INSERT_COLUMNS } from "../sql/columns.js"
import { and, eventWhere, render, whereNamespace } from "../sql/where.js"
import { type Connection, numbered, violatedConstraint } from "./connection.js"

const COLUMNS = `cursor::text AS cursor, ${columnList(EVENT_INSERT_COLUMNS)}`
const INSERTED = columnList(EVENT_COLUMNS)

/** What the append statement reports besides the rows it wrote. */
interface AppendResult {
  /** The counter after the append (text from the lean statement: exact beyond 2^53). */
  last: number | string | null
  differs: number
  existing: EventRow[] | null
}

/** How often an append that raced with an identical re-send is re-run (it then finds the row). */
const RESEND_RETRIES = 3

/**
 * The whole append as one statement. Cursors come from the namespace's row in
 * `event_counters`: the upsert locks that row until the transaction commits, so appends to
 * one namespace take their cursors one transaction at a time and commit in cursor order. A
 * reader paging by `after` can never see cursor n+1 before cursor n is visible
 * (docs/postgres.md). The statement also NOTIFYs the namespace's channel, sent at commit.
 * The ids array is read through a sub-select so the cached plan is kept (see `appendSql` in
 * messages.ts).
 */
function appendSql(conn: Connection, checkExisting: boolean, notify: boolean): string {
  const E = conn.table("events")
  const C = conn.table("event_counters")
  const existing = checkExisting
    ? `SELECT ${COLUMNS.split(", ")
        .map((column) => `e.${column}`)
        .join(", ")}
       FROM ${E} e JOIN input i ON e.namespace = $1 AND e.id = i.id`
    : `SELECT ${COLUMNS} FROM ${E} WHERE false`
  const differs = EVENT_CONTENT_COLUMNS.map(
    (column) => `e.${column} IS DISTINCT FROM i.${column}`,
  ).join(" OR ")
  return `WITH input AS (SELECT * FROM unnest((SELECT $2::text[]), $3::text[], $4::text[], $5::text[],
      $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[])
      WITH ORDINALITY AS t(id, kind, data, text, session_id, agent, parent_id, artifact_ref, time, ord)),
  existing AS (${existing}),
  differs AS (SELECT 1 FROM existing e JOIN input i ON i.id = e.id WHERE ${differs}),
  fresh AS (SELECT i.*, row_number() OVER (ORDER BY i.ord) AS rn, count(*) OVER () AS n FROM input i
    WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.id = i.id)),
  bump AS (INSERT INTO ${C} AS c (namespace, last_cursor)
    SELECT $1, count(*) FROM fresh HAVING count(*) > 0 AND NOT EXISTS (SELECT 1 FROM differs)
    ON CONFLICT (namespace) DO UPDATE SET last_cursor = c.last_cursor + EXCLUDED.last_cursor
    RETURNING last_cursor),
  ins AS (INSERT INTO ${E} (${INSERTED})
    SELECT b.last_cursor - f.n + f.rn, $1, f.id, f.kind, f.data, f.text, f.session_id, f.agent,
      f.parent_id, f.artifact_ref, f.time FROM fresh f CROSS JOIN bump b RETURNING 1)
  SELECT (SELECT last_cursor FROM bump) AS last, (SELECT count(*) FROM differs) AS differs,
    (SELECT json_agg(e) FROM existing e) AS existing,
    ${notify ? "(SELECT pg_notify($11, $1) FROM bump)" : "(SELECT $11::text WHERE false)"} AS notified`
}

/**
 * The common append: no caller-supplied ids, so every row is new. The same counter-row upsert
 * as `appendSql` takes `$2` cursors (and holds the row lock to commit, keeping cursors in
 * commit order); one `pg_notify` per statement when `notify`.
 */
function leanAppendSql(conn: Connection, notify: boolean): string {
  return `WITH bump AS (INSERT INTO ${conn.table("event_counters")} AS c (namespace, last_cursor)
      VALUES ($1, $2) ON CONFLICT (namespace) DO UPDATE SET last_cursor = c.last_cursor + $2
      RETURNING last_cursor),
    ins AS (INSERT INTO ${conn.table("events")} (${INSERTED})
      SELECT b.last_cursor - $2 + i.ord, $1, i.id, i.kind, i.data, i.text, i.session_id, i.agent,
        i.parent_id, i.artifact_ref, i.time
      FROM bump b, unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
        $9::text[], $10::text[], $11::bigint[])
        WITH ORDINALITY AS i(id, kind, data, text, session_id, agent, parent_id, artifact_ref, time, ord))
  SELECT last_cursor::text AS last${notify ? ", pg_notify($12, $1)" : ""} FROM bump`
}

/**
 * True when the commit failed because the server's NOTIFY queue is full (a listener somewhere
 * stopped reading). Nothing was written; the append is re-run without NOTIFY, since live tails
 * find events by cursor on their idle re-read anyway: a full queue must not stop writes.
 */
function notifyQueueFull(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause
  return cause?.code === "54000" && /notif/i.test(String(cause.message))
}

/** Event storage on PostgreSQL. */
export function postgresEvents(conn: Connection, channel: string): EventOps {
  const E = conn.table("events")
  const sql = {
    checked: appendSql(conn, true, true),
    unchecked: appendSql(conn, false, true),
    checkedQuiet: appendSql(conn, true, false),
    uncheckedQuiet: appendSql(conn, false, false),
    lean: leanAppendSql(conn, true),
    leanQuiet: leanAppendSql(conn, false),
  }
  const pick = (checkExisting: boolean, notify: boolean) =>
    notify
      ? checkExisting
        ? sql.checked
        : sql.unchecked
      : checkExisting
        ? sql.checkedQuiet
        : sql.uncheckedQuiet

  /**
   * `lean` takes every row to be new (generated ids, or caller ids tried first as new: a
   * stored one fails the whole statement on `events_id` and the caller re-runs it checked).
   */
  const appendOnce = async (
    rows: Omit<EventRow, "cursor">[],
    checkExisting: boolean,
    notify: boolean,
    lean: boolean,
  ): Promise<AppendResult> => {
    const ns = rows[0]?.namespace
    if (lean) {
      // The lean statement reports only the last cursor.
      const [bumped] = await conn.run<{ last: string }>(notify ? sql.lean : sql.leanQuiet, [
        ns,
        rows.length,
        ...columnArrays(rows),
        ...(notify ? [channel] : []),
      ])
      return { last: bumped?.last ?? null, differs: 0, existing: null }
    }
    const [result] = await conn.run<AppendResult>(pick(checkExisting, notify), [
      ns,
      ...columnArrays(rows),
      channel,
    ])
    return result as AppendResult
  }

  return {
    async appendEvents(rows, { checkExisting }) {
      checkOneNamespace("events", rows)
      let result: AppendResult
      let notify = true
      let lean = rows.length > 0
      for (let races = 0; ; ) {
        try {
          result = await appendOnce(rows, checkExisting, notify, lean)
          break
        } catch (error) {
          if (notify && notifyQueueFull(error)) {
            notify = false
            continue
          }
          if (lean && checkExisting && violatedConstraint(error) === "events_id") {
            lean = false
            continue
          }
          if (violatedConstraint(error) === "events_session_fk") {
            const missing = rows
              .filter((row) => row.session_id !== null)
              .map((row) => row.session_id)
            throw new ValidationError("sessionId", "refers to a session that does not exist", {
              sessionIds: [...new Set(missing)],
            })
          }
          const raced = checkExisting && violatedConstraint(error) === "events_id"
          if (!raced || races++ >= RESEND_RETRIES) throw error
        }
      }
      return finishAppend(result, rows)
    },

    async queryEvents(ns, spec) {
      const where = eventWhere(ns, spec)
      const dir = spec.order === "asc" ? "ASC" : "DESC"
      const n = where.params.length
      return conn.query<EventRow>(
        `SELECT ${COLUMNS} FROM ${E}${numbered(render(where))} ORDER BY ${E}.cursor ${dir} LIMIT $${n + 1}`,
        [...where.params, spec.limit],
      )
    },

    async countEvents(ns, filter) {
      const where = eventWhere(ns, filter)
      const [row] = await conn.query<{ n: number }>(
        `SELECT count(*) AS n FROM ${E}${numbered(render(where))}`,
        where.params,
      )
      return row?.n ?? 0
    },

    async summarizeEvents(ns, filter): Promise<EventSummaryRow> {
      const where = eventWhere(ns, filter)
      const clause = numbered(render(where))
      const [row] = await conn.query<{
        total: number
        sessions: number
        first: number | null
        last: number | null
        kinds: [string, number][] | null
      }>(
        `SELECT count(*) AS total, count(DISTINCT session_id) AS sessions, min(time) AS first,
           max(time) AS last,
           (SELECT json_agg(json_build_array(kind, n) ORDER BY kind)
              FROM (SELECT kind, count(*) AS n FROM ${E}${clause} GROUP BY kind) k) AS kinds
         FROM ${E}${clause}`,
        where.params,
      )
      return {
        total: row?.total ?? 0,
        sessions: row?.sessions ?? 0,
        firstTime: row?.first ?? null,
        lastTime: row?.last ?? null,
        byKind: row?.kinds ?? [],
      }
    },

    async getEvent(ns, id) {
      const [row] = await conn.query<EventRow>(
        `SELECT ${COLUMNS} FROM ${E} WHERE namespace = $1 AND id = $2`,
        [ns, id],
      )
      return row
    },

    async deleteEvents(ns, scope) {
      const where = whereNamespace(ns)
      if (scope.sessionId !== undefined) and(where, "session_id = ?", scope.sessionId)
      if (scope.agent !== undefined) and(where, "agent = ?", scope.agent)
      const [row] = await conn.run<{ n: number }>(
        `WITH d AS (DELETE FROM ${E}${numbered(render(where))} RETURNING 1) SELECT count(*) AS n FROM d`,
        where.params,
      )
      return row?.n ?? 0
    },
  }
}

/** The columns every append statement takes as arrays, in their parameter order. */
const ARRAY_COLUMNS = EVENT_INSERT_COLUMNS.filter((column) => column !== "namespace")

/** The rows as one array per column of `ARRAY_COLUMNS`. */
function columnArrays(rows: Omit<EventRow, "cursor">[]): unknown[][] {
  return ARRAY_COLUMNS.map((key) => rows.map((row) => row[key]))
}

function finishAppend(result: AppendResult, rows: Omit<EventRow, "cursor">[]): EventRow[] {
  const last = Number(result.last)
  if (result.existing === null && Number.isSafeInteger(last)) {
    // Every row is new and the cursors fit a double: number them without BigInt.
    const first = last - rows.length + 1
    return rows.map((row, i): EventRow => ({ ...row, cursor: String(first + i) }))
  }
  const stored = new Map<string, EventRow>()
  for (const row of result.existing ?? [])
    stored.set(row.id, { ...row, cursor: String(row.cursor) })
  for (const row of rows) {
    const existing = stored.get(row.id)
    if (
      existing &&
      !sameColumns(existing, { ...row, cursor: existing.cursor }, EVENT_CONTENT_COLUMNS)
    ) {
      throw new ConflictError(`event ${row.id} already exists with different content`, {
        id: row.id,
      })
    }
  }
  const fresh = rows.filter((row) => !stored.has(row.id))
  if (fresh.length > 0) {
    const first = BigInt(result.last ?? 0) - BigInt(fresh.length) + 1n
    for (const [i, row] of fresh.entries()) {
      stored.set(row.id, { ...row, cursor: String(first + BigInt(i)) })
    }
  }
  return rows.map((row) => stored.get(row.id) as EventRow)
}
