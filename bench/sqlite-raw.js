// Hand-written better-sqlite3 code doing the same SQL work as agentstore: the baseline.
import Database from "better-sqlite3"

export const NS = "default"

const MESSAGE_COLUMNS =
  "namespace, id, session_id, sequence, role, content, name, tool_call_id, usage, metadata, created_at"
const EVENT_COLUMNS =
  "cursor, namespace, id, kind, data, text, session_id, agent, parent_id, artifact_ref, time"
const SESSION_COLUMNS =
  "namespace, id, agent, number, title, metadata, input_tokens, output_tokens, total_tokens, usage_extra, message_count, last_sequence, created_at, updated_at"

let lastTime = 0
let counter = 0

/**
 * A 26-character id that increases within the process, like agentstore's ULIDs, so both sides
 * insert keys in the same order (random UUIDs would scatter writes over the primary-key index).
 */
export function rawId() {
  const t = Date.now()
  if (t !== lastTime) {
    lastTime = t
    counter = Math.floor(Math.random() * 2 ** 40)
  } else counter++
  return t.toString(32).padStart(10, "0") + counter.toString(32).padStart(16, "0")
}

/** Opens a file with the same settings agentstore uses (WAL, synchronous NORMAL, foreign keys). */
export function openRaw(path) {
  const db = new Database(path)
  db.pragma("journal_mode = WAL")
  db.pragma("synchronous = NORMAL")
  db.pragma("foreign_keys = ON")
  return db
}

/** The raw operations every workload compares against, as prepared statements. */
export function rawOps(db) {
  const bump = db.prepare(
    `UPDATE sessions SET last_sequence = last_sequence + ?, message_count = message_count + ?,
       updated_at = max(updated_at, ?) WHERE namespace = ? AND id = ? RETURNING last_sequence`,
  )
  const insertMessage = db.prepare(
    `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const append = db.transaction((sessionId, messages) => {
    const t = Date.now()
    const { last_sequence } = bump.get(messages.length, messages.length, t, NS, sessionId)
    let sequence = last_sequence - messages.length + 1
    const out = []
    for (const m of messages) {
      const id = rawId()
      const content = JSON.stringify(m.content)
      insertMessage.run(NS, id, sessionId, sequence, m.role, content, null, null, null, "{}", t)
      out.push({ id, sequence: sequence++ })
    }
    return out
  })
  const insertEvent = db.prepare(
    `INSERT INTO events (namespace, id, kind, data, text, session_id, agent, parent_id, artifact_ref, time)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const eventValues = (e, t) => [
    NS,
    rawId(),
    e.kind,
    JSON.stringify(e.data),
    null,
    e.sessionId ?? null,
    e.agent ?? null,
    null,
    null,
    t,
  ]
  const appendEvent = (e) => ({
    cursor: insertEvent.run(...eventValues(e, Date.now())).lastInsertRowid,
  })
  const appendEvents = db.transaction((events) => {
    const t = Date.now()
    return events.map((e) => ({ cursor: insertEvent.run(...eventValues(e, t)).lastInsertRowid }))
  })
  const latest = db.prepare(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE namespace = ? AND session_id = ?
     ORDER BY sequence DESC LIMIT ?`,
  )
  const after = db.prepare(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE namespace = ? AND session_id = ? AND sequence > ?
     ORDER BY sequence ASC LIMIT ?`,
  )
  const byKind = db.prepare(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE namespace = ? AND kind = ? AND cursor > ?
     ORDER BY cursor ASC LIMIT ?`,
  )
  const createSession = db.prepare(
    `INSERT INTO sessions (${SESSION_COLUMNS}) VALUES (?, ?, ?,
       (SELECT COALESCE(MAX(number), 0) + 1 FROM sessions WHERE namespace = ? AND agent = ?),
       ?, '{}', 0, 0, 0, '{}', 0, 0, ?, ?) RETURNING number`,
  )
  const sessionPages = new Map()
  /** The first-page and next-page statements of one listing order, prepared once. */
  const sessionPage = (column, agent) => {
    const key = `${column}:${agent !== undefined}`
    let page = sessionPages.get(key)
    if (!page) {
      const scope = agent === undefined ? "namespace = ?" : "namespace = ? AND agent = ?"
      const order = `ORDER BY ${column} DESC, id DESC LIMIT ?`
      page = {
        first: db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${scope} ${order}`),
        next: db.prepare(
          `SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${scope} AND (${column}, id) < (?, ?) ${order}`,
        ),
      }
      sessionPages.set(key, page)
    }
    return page
  }
  const createImmediate = db.transaction((agent, title) => {
    const t = Date.now()
    const id = rawId()
    return { id, ...createSession.all(NS, id, agent, NS, agent, title, t, t)[0] }
  })
  return {
    append: (sessionId, messages) => append.immediate(sessionId, messages),
    appendEvent,
    appendEvents: (events) => appendEvents.immediate(events),
    latestMessages(sessionId, n) {
      const rows = latest.all(NS, sessionId, n + 1).map(parseMessage)
      return { messages: rows.slice(0, n).reverse(), hasMore: rows.length > n }
    },
    messagesAfter(sessionId, sequence, n) {
      const rows = after.all(NS, sessionId, sequence, n + 1).map(parseMessage)
      return { messages: rows.slice(0, n), hasMore: rows.length > n }
    },
    eventsByKind(kind, cursor, n) {
      const rows = byKind.all(NS, kind, cursor, n + 1).map(parseEvent)
      return { events: rows.slice(0, n), hasMore: rows.length > n }
    },
    createSession(agent, title) {
      const t = Date.now()
      const id = rawId()
      return { id, ...createSession.all(NS, id, agent, NS, agent, title, t, t)[0] }
    },
    /** The same INSERT wrapped in `BEGIN IMMEDIATE` … `COMMIT`, as agentstore runs every write. */
    createSessionImmediate: (agent, title) => createImmediate.immediate(agent, title),
    /** A page of sessions newest first by `column` (`created_at` or `updated_at`), of `agent` if given. */
    listSessions(n, position, column = "created_at", agent = undefined) {
      const page = sessionPage(column, agent)
      const scope = agent === undefined ? [NS] : [NS, agent]
      const rows = (
        position
          ? page.next.all(...scope, position[column], position.id, n + 1)
          : page.first.all(...scope, n + 1)
      ).map(parseSession)
      const items = rows.slice(0, n)
      const last = items[items.length - 1]
      return { items, next: rows.length > n ? last : undefined }
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
