import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createSqliteBackend, createStore, manualClock, type Store } from "../src/index.js"
import { recordReads, selectPlans } from "./support/query-plan.js"

const seen = recordReads()

/** The query plans of the statements `run` issues against `table`. */
async function plans(table: string, run: () => Promise<unknown>): Promise<string[]> {
  const out = await selectPlans(seen, table, run)
  expect(out.length, `no SELECT on ${table} was issued`).toBeGreaterThan(0)
  return out
}

let store: Store
let sessionId: string
beforeAll(async () => {
  store = createStore(await createSqliteBackend({ path: ":memory:" }), { clock: manualClock() })
  const s = await store.sessions.create({ agent: "a", metadata: { k: "v" } })
  sessionId = s.id
  await store.messages.append(sessionId, { role: "user", content: "x" })
  await store.events.append({ kind: "k", sessionId, agent: "a" })
  await store.tools.start({ tool: "t", sessionId, planId: "p" })
})
afterAll(() => store.close())

const TABLES = /\bSCAN (sessions|messages|events|tool_invocations)\b/
const T = "2025-01-01T00:00:00Z"
const CURSOR = Buffer.from(JSON.stringify([Date.parse(T), "x"])).toString("base64url")

/** [what, table, call, the index constraint every statement of the call must use]. */
type Case = [string, string, () => Promise<unknown>, RegExp]
const cases: Case[] = [
  ["sessions: agent", "sessions", () => store.sessions.list({ agent: "a" }), /agent=\?/],
  [
    "sessions: agent by updatedAt",
    "sessions",
    () => store.sessions.list({ agent: "a", orderBy: "updatedAt" }),
    /agent=\?/,
  ],
  [
    "sessions: createdSince",
    "sessions",
    () => store.sessions.list({ createdSince: T }),
    /created_at>\?/,
  ],
  [
    "sessions: createdUntil by updatedAt",
    "sessions",
    () => store.sessions.list({ createdUntil: T, orderBy: "updatedAt" }),
    /created_at<\?/,
  ],
  [
    "sessions: updatedSince",
    "sessions",
    () => store.sessions.list({ updatedSince: T }),
    /updated_at>\?/,
  ],
  [
    "sessions: updatedUntil by updatedAt",
    "sessions",
    () => store.sessions.list({ updatedUntil: T, orderBy: "updatedAt" }),
    /updated_at<\?/,
  ],
  [
    "sessions: keyset cursor",
    "sessions",
    () => store.sessions.list({ cursor: CURSOR }),
    /\(created_at,id\)<\(\?,\?\)/,
  ],
  [
    "sessions: keyset cursor asc by updatedAt",
    "sessions",
    () => store.sessions.list({ cursor: CURSOR, order: "asc", orderBy: "updatedAt" }),
    /\(updated_at,id\)>\(\?,\?\)/,
  ],
  [
    "sessions: agent with total",
    "sessions",
    () => store.sessions.list({ agent: "a", total: true }),
    /agent=\?/,
  ],
  [
    "messages: page after",
    "messages",
    () => store.messages.list(sessionId, { after: 3, limit: 5 }),
    /session_id=\? AND sequence>\?/,
  ],
  [
    "messages: latest before",
    "messages",
    () => store.messages.list(sessionId, { latest: 3, before: 9 }),
    /session_id=\? AND sequence<\?/,
  ],
  ["messages: first page", "messages", () => store.messages.list(sessionId), /session_id=\?/],
  ["events: session", "events", () => store.events.query({ sessionId }), /session_id=\?/],
  ["events: agent", "events", () => store.events.query({ agent: "a" }), /agent=\?/],
  [
    "events: one kind after a cursor",
    "events",
    () => store.events.query({ kinds: ["k"], after: "1" }),
    /kind=\? AND cursor>\?/,
  ],
  [
    "events: several kinds",
    "events",
    () => store.events.query({ kinds: ["k", "j", "i"] }),
    /kind=\?/,
  ],
  [
    "events: several kinds, desc, before",
    "events",
    () => store.events.query({ kinds: ["k", "j"], order: "desc", before: "9" }),
    /kind=\? AND cursor<\?/,
  ],
  ["events: parent", "events", () => store.events.query({ parentId: "x" }), /parent_id=\?/],
  ["events: since", "events", () => store.events.query({ since: T }), /time>\?/],
  [
    "events: until, desc",
    "events",
    () => store.events.query({ until: T, order: "desc" }),
    /time<\?/,
  ],
  ["events: after", "events", () => store.events.query({ after: "5" }), /rowid>\?|cursor>\?/],
  [
    "events: before, desc",
    "events",
    () => store.events.query({ before: "5", order: "desc" }),
    /rowid<\?|cursor<\?/,
  ],
  ["events: count by kind", "events", () => store.events.count({ kinds: ["k"] }), /kind=\?/],
  ["events: count since", "events", () => store.events.count({ since: T }), /time>\?/],
  [
    "events: summary of a session",
    "events",
    () => store.events.summary({ sessionId }),
    /session_id=\?/,
  ],
  ["events: summary of an agent", "events", () => store.events.summary({ agent: "a" }), /agent=\?/],
  ["events: tail of an agent", "events", () => store.events.tail(5, { agent: "a" }), /agent=\?/],
  ["tools: session", "tool_invocations", () => store.tools.list({ sessionId }), /session_id=\?/],
  ["tools: plan", "tool_invocations", () => store.tools.list({ planId: "p" }), /plan_id=\?/],
  ["tools: tool", "tool_invocations", () => store.tools.list({ tool: "t" }), /tool=\?/],
  ["tools: status", "tool_invocations", () => store.tools.list({ status: "running" }), /status=\?/],
  ["tools: since", "tool_invocations", () => store.tools.list({ since: T }), /started_at>\?/],
  [
    "tools: keyset cursor",
    "tool_invocations",
    () => store.tools.list({ cursor: CURSOR }),
    /\(started_at,id\)<\(\?,\?\)/,
  ],
]

const CURSOR_U = Buffer.from(JSON.stringify([Date.parse(T), "x"])).toString("base64url")

/** Every order the session listing offers, with and without `agent`, first page and next. */
const ORDERED: [string, () => Promise<unknown>, RegExp][] = (["desc", "asc"] as const).flatMap(
  (order) =>
    (["createdAt", "updatedAt"] as const).flatMap((orderBy) => {
      const column = orderBy === "createdAt" ? "created_at" : "updated_at"
      const keyset = new RegExp(`\\(${column},id\\)${order === "asc" ? ">" : "<"}\\(\\?,\\?\\)`)
      const name = `sessions by ${orderBy} ${order}`
      return [
        [name, () => store.sessions.list({ orderBy, order }), /namespace=\?\)/],
        [
          `${name}, next page`,
          () => store.sessions.list({ orderBy, order, cursor: CURSOR_U }),
          keyset,
        ],
        [
          `${name} of an agent`,
          () => store.sessions.list({ agent: "a", orderBy, order }),
          /namespace=\? AND agent=\?\)/,
        ],
        [
          `${name} of an agent, next page`,
          () => store.sessions.list({ agent: "a", orderBy, order, cursor: CURSOR_U }),
          keyset,
        ],
      ] as [string, () => Promise<unknown>, RegExp][]
    }),
)

describe("EXPLAIN QUERY PLAN: an index serves every filtered page", () => {
  it.each(cases)("%s", async (_, table, run, uses) => {
    for (const plan of await plans(table, run)) {
      expect(plan).not.toMatch(TABLES)
      for (const step of plan.split(" | ").filter((s) => s.startsWith(`SEARCH ${table} `))) {
        expect(step).toMatch(uses)
      }
      expect(plan).toMatch(new RegExp(`SEARCH ${table} `))
    }
  })

  it.each(ORDERED)("%s: the index gives the page order (no sort)", async (_, run, uses) => {
    for (const plan of await plans("sessions", run)) {
      expect(plan).not.toMatch(TABLES)
      expect(plan).not.toMatch(/TEMP B-TREE/)
      expect(plan).toMatch(uses)
    }
  })

  it("narrows metadata filters within the namespace (arbitrary keys have no index)", async () => {
    for (const plan of await plans("sessions", () =>
      store.sessions.list({ metadata: { k: "v" } }),
    )) {
      expect(plan).not.toMatch(TABLES)
      expect(plan).toMatch(/SEARCH sessions USING INDEX sessions_created \(namespace=\?\)/)
    }
  })
})
