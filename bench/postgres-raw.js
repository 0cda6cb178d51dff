// Hand-written `pg` code doing the same SQL work as agentstore on PostgreSQL: the baseline.
// Same schema (created by agentstore's migrations), named prepared statements, one round trip
// per append: the session bump and the INSERT in one statement; batches through unnest.
import pg from "pg"
import { NS, rawId } from "./sqlite-raw.js"

const MESSAGE_COLUMNS =
  "namespace, id, session_id, sequence, role, content, name, tool_call_id, usage, metadata, created_at"
const EVENT_COLUMNS =
  "cursor::text AS cursor, namespace, id, kind, data, text, session_id, agent, parent_id, artifact_ref, time"
const SESSION_COLUMNS =
  "namespace, id, agent, number, title, metadata, input_tokens, output_tokens, total_tokens, usage_extra, message_count, last_sequence, created_at, updated_at"

/** A pool with the settings agentstore uses for its own pools. */
export function openRawPool(url, max = 10) {
  return new pg.Pool({ connectionString: url, max, options: "-c synchronous_commit=local" })
}

/** The raw operations, with tables qualified by `schema`. */
export function rawPgOps(pool, schema) {
  const t = (name) => `"${schema}"."${name}"`
  const q = (name, text, values) => pool.query({ name: `${schema}_${name}`, text, values })
  const appendSql = `WITH b AS (UPDATE ${t("sessions")} SET last_sequence = last_sequence + $3,
      message_count = message_count + $3, updated_at = greatest(updated_at, $4::bigint)
      WHERE namespace = $1 AND id = $2 RETURNING last_sequence)
    INSERT INTO ${t("messages")} (${MESSAGE_COLUMNS})
    SELECT $1, i.id, $2, b.last_sequence - $3 + i.ord, i.role, i.content, NULL, NULL, NULL, '{}', $4
    FROM b, unnest($5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS i(id, role, content, ord)
    RETURNING id, sequence`
  const eventSql = `WITH b AS (INSERT INTO ${t("event_counters")} AS c (namespace, last_cursor)
      VALUES ($1, $2) ON CONFLICT (namespace) DO UPDATE SET last_cursor = c.last_cursor + $2
      RETURNING last_cursor)
    INSERT INTO ${t("events")} (cursor, namespace, id, kind, data, text, session_id, agent, parent_id, artifact_ref, time)
    SELECT b.last_cursor - $2 + i.ord, $1, i.id, i.kind, i.data, NULL, i.session_id, i.agent, NULL, NULL, $3
    FROM b, unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
      WITH ORDINALITY AS i(id, kind, data, session_id, agent, ord)
    RETURNING cursor::text AS cursor`
  // Idempotent by caller id: ON CONFLICT DO NOTHING, then the rows already stored are read
  // back (the re-sent ones). Simpler than agentstore (a re-send still bumps the counter).
  const appendIdsSql = appendSql.replace(
    "RETURNING id, sequence",
    "ON CONFLICT (namespace, id) DO NOTHING RETURNING id, sequence",
  )
  const eventIdsSql = eventSql.replace(
    "RETURNING cursor::text AS cursor",
    "ON CONFLICT (namespace, id) DO NOTHING RETURNING id, cursor::text AS cursor",
  )
  const stored = async (table, columns, ids, found) => {
    const missing = ids.filter((id) => !found.some((row) => row.id === id))
    if (missing.length === 0) return found
    const { rows } = await q(
      `stored_${table}`,
      `SELECT ${columns} FROM ${t(table)} WHERE namespace = $1 AND id = ANY($2::text[])`,
      [NS, missing],
    )
    return [...found, ...rows]
  }
  return {
    /** Messages with caller ids (`message.id`), idempotent on re-send. */
    async appendIds(sessionId, messages) {
      const ids = messages.map((m) => m.id)
      const values = [
        NS,
        sessionId,
        messages.length,
        Date.now(),
        ids,
        messages.map((m) => m.role),
        messages.map((m) => JSON.stringify(m.content)),
      ]
      const { rows } = await q("append_ids", appendIdsSql, values)
      return stored("messages", "id, sequence", ids, rows)
    },
    /** Events with caller ids (`event.id`), idempotent on re-send. */
    async appendEventsIds(events) {
      const ids = events.map((e) => e.id)
      const values = [
        NS,
        events.length,
        Date.now(),
        ids,
        events.map((e) => e.kind),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => e.sessionId ?? null),
        events.map((e) => e.agent ?? null),
      ]
      const { rows } = await q("events_ids", eventIdsSql, values)
      return stored("events", "id, cursor::text AS cursor", ids, rows)
    },
    async append(sessionId, messages) {
      const ids = messages.map(() => rawId())
      const roles = messages.map((m) => m.role)
      const contents = messages.map((m) => JSON.stringify(m.content))
      const n = messages.length
      return (await q("append", appendSql, [NS, sessionId, n, Date.now(), ids, roles, contents]))
        .rows
    },
    async appendEvents(events) {
      const values = [
        NS,
        events.length,
        Date.now(),
        events.map(() => rawId()),
        events.map((e) => e.kind),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => e.sessionId ?? null),
        events.map((e) => e.agent ?? null),
      ]
      return (await q("events", eventSql, values)).rows
    },
    async latestMessages(sessionId, n) {
      const { rows } = await q(
        "latest",
        `SELECT ${MESSAGE_COLUMNS} FROM ${t("messages")} WHERE namespace = $1 AND session_id = $2
         ORDER BY sequence DESC LIMIT $3`,
        [NS, sessionId, n + 1],
      )
      return { messages: rows.slice(0, n).map(parseMessage).reverse(), hasMore: rows.length > n }
    },
    async messagesAfter(sessionId, after, n) {
      const { rows } = await q(
        "after",
        `SELECT ${MESSAGE_COLUMNS} FROM ${t("messages")} WHERE namespace = $1 AND session_id = $2
         AND sequence > $3 ORDER BY sequence ASC LIMIT $4`,
        [NS, sessionId, after, n + 1],
      )
      return { messages: rows.slice(0, n).map(parseMessage), hasMore: rows.length > n }
    },
    async eventsByKind(kind, after, n) {
      const { rows } = await q(
        "bykind",
        `SELECT ${EVENT_COLUMNS} FROM ${t("events")} WHERE namespace = $1 AND kind = $2
         AND cursor > $3 ORDER BY ${t("events")}.cursor ASC LIMIT $4`,
        [NS, kind, after, n + 1],
      )
      return { events: rows.slice(0, n).map(parseEvent), hasMore: rows.length > n }
    },
    async createSession(agent, title) {
      const now = Date.now()
      const id = rawId()
      const { rows } = await q(
        "create",
        `INSERT INTO ${t("sessions")} (${SESSION_COLUMNS}) VALUES ($1, $2, $3,
           (SELECT COALESCE(MAX(number), 0) + 1 FROM ${t("sessions")} WHERE namespace = $1 AND agent = $3),
           $4, '{}', 0, 0, 0, '{}', 0, 0, $5, $5) RETURNING number`,
        [NS, id, agent, title, now],
      )
      return { id, number: rows[0].number }
    },
    async listSessions(n, position) {
      const { rows } = position
        ? await q(
            "next",
            `SELECT ${SESSION_COLUMNS} FROM ${t("sessions")} WHERE namespace = $1
             AND (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC LIMIT $4`,
            [NS, position.created_at, position.id, n + 1],
          )
        : await q(
            "first",
            `SELECT ${SESSION_COLUMNS} FROM ${t("sessions")} WHERE namespace = $1
             ORDER BY created_at DESC, id DESC LIMIT $2`,
            [NS, n + 1],
          )
      const items = rows.slice(0, n).map(parseSession)
      return { items, next: rows.length > n ? items[items.length - 1] : undefined }
    },
  }
}

function parseMessage(row) {
  row.content = JSON.parse(row.content)
  row.metadata = JSON.parse(row.metadata)
  row.usage = row.usage === null ? null : JSON.parse(row.usage)
  return row
}

function parseEvent(row) {
  row.data = JSON.parse(row.data)
  row.text = row.text === null ? null : JSON.parse(row.text)
  return row
}

function parseSession(row) {
  row.metadata = JSON.parse(row.metadata)
  row.usage_extra = JSON.parse(row.usage_extra)
  return row
}
