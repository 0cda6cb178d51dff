// Inputs and prepared databases shared by the SQLite workloads.
import { join } from "node:path"
import { NS, openRaw, rawId } from "./sqlite-raw.js"

const TEXT =
  "Summarise the build log, list the failing tests with their first error line, and propose the smallest change that makes them pass without touching the public API."

export const KINDS = [
  "tool.call",
  "tool.result",
  "llm.request",
  "llm.response",
  "plan.step",
  "memory.write",
  "memory.read",
  "user.input",
  "error",
  "checkpoint",
]

/** The i-th message of a transcript: a role and a small array of content parts. */
export function messageInput(i) {
  return {
    role: i % 2 ? "assistant" : "user",
    content: [{ type: "text", text: `${i}: ${TEXT}` }],
  }
}

/** The i-th event of a run. */
export function eventInput(i, sessionId) {
  return {
    kind: KINDS[i % KINDS.length],
    sessionId,
    agent: "planner",
    data: { step: i, tool: "search", args: { query: "failing tests", limit: 20 } },
  }
}

/** Loads the agentstore library from the build output. */
export async function loadAgentstore() {
  return import(new URL("../dist/index.js", import.meta.url).href)
}

/** Creates a database file with agentstore's own migrations and one session; returns its id. */
export async function createFile(lib, path) {
  const store = await lib.openStore(`sqlite:${path}`)
  const session = await store.sessions.create({ agent: "planner", title: "bench" })
  await store.close()
  return session.id
}

/**
 * Fills a session with `n` messages in large raw transactions (setup only, not measured),
 * keeping the session's sequence and count consistent.
 */
export async function populateMessages(lib, dir, n) {
  const path = join(dir, `messages-${n}.db`)
  const sessionId = await createFile(lib, path)
  const db = openRaw(path)
  const insert = db.prepare(
    `INSERT INTO messages (namespace, id, session_id, sequence, role, content, name, tool_call_id, usage, metadata, created_at)
     VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL, '{}', ?)`,
  )
  const chunk = db.transaction((from, to) => {
    const t = Date.now()
    for (let i = from; i <= to; i++) {
      const m = messageInput(i)
      insert.run(NS, rawId(), sessionId, i, m.role, JSON.stringify(m.content), t)
    }
  })
  for (let from = 1; from <= n; from += 20_000) chunk(from, Math.min(n, from + 19_999))
  db.prepare(
    "UPDATE sessions SET last_sequence = ?, message_count = ?, updated_at = ? WHERE namespace = ? AND id = ?",
  ).run(n, n, Date.now(), NS, sessionId)
  db.close()
  return { path, sessionId }
}

/** Fills a file with `n` events spread over ten kinds (setup only, not measured). */
export async function populateEvents(lib, dir, n) {
  const path = join(dir, `events-${n}.db`)
  const sessionId = await createFile(lib, path)
  const db = openRaw(path)
  const insert = db.prepare(
    `INSERT INTO events (namespace, id, kind, data, text, session_id, agent, parent_id, artifact_ref, time)
     VALUES (?, ?, ?, ?, NULL, ?, ?, NULL, NULL, ?)`,
  )
  const chunk = db.transaction((from, to) => {
    const t = Date.now()
    for (let i = from; i < to; i++) {
      const e = eventInput(i, sessionId)
      insert.run(NS, rawId(), e.kind, JSON.stringify(e.data), sessionId, e.agent, t)
    }
  })
  for (let from = 0; from < n; from += 20_000) chunk(from, Math.min(n, from + 20_000))
  db.close()
  return { path, sessionId }
}
