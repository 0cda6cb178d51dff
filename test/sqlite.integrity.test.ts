import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createSqliteBackend, createStore, IntegrityError, type Store } from "../src/index.js"

const dir = mkdtempSync(join(tmpdir(), "agentstore-integrity-"))
const path = join(dir, "store.db")
let store: Store
let raw: Database.Database
const ids = { session: "", message: "", event: "", tool: "" }

beforeAll(async () => {
  store = createStore(await createSqliteBackend({ path }))
  raw = new Database(path)
})
afterAll(async () => {
  raw.close()
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Fresh, healthy rows in every table, then `corrupt` writes bad text under the store. */
async function seed(): Promise<void> {
  const s = await store.sessions.create({ agent: `a-${Math.random()}`, metadata: { ok: true } })
  ids.session = s.id
  ids.message = (await store.messages.append(s.id, { role: "user", content: { ok: 1 } })).id
  ids.event = (await store.events.append({ kind: "k", sessionId: s.id, data: [1], text: "t" })).id
  ids.tool = (await store.tools.start({ tool: "t", sessionId: s.id, arguments: { a: 1 } })).id
}

function corrupt(table: string, column: string, id: string, value: unknown): void {
  raw.prepare(`UPDATE ${table} SET ${column} = ? WHERE id = ?`).run(value, id)
}

async function expectIntegrity(call: Promise<unknown>, table: string, column: string) {
  const error = await call.then(
    (value) => expect.fail(`read corrupt ${table}.${column} as ${JSON.stringify(value)}`),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(IntegrityError)
  expect((error as IntegrityError).details).toMatchObject({ table, column })
}

describe("sqlite: corrupt stored JSON raises IntegrityError, never an empty value", () => {
  const bad = ["{not json", "", "[1,", "nul\u0000l"]

  it.each(bad)("session metadata and usage %j", async (text) => {
    await seed()
    corrupt("sessions", "metadata", ids.session, text)
    await expectIntegrity(store.sessions.get(ids.session), "sessions", "metadata")
    await expectIntegrity(store.sessions.list(), "sessions", "metadata")
    await expectIntegrity(
      store.sessions.update(ids.session, { metadata: { x: 1 } }),
      "sessions",
      "metadata",
    )
    corrupt("sessions", "metadata", ids.session, "{}")
    corrupt("sessions", "usage_extra", ids.session, text)
    await expectIntegrity(
      store.sessions.addUsage(ids.session, { input: 1 }),
      "sessions",
      "usage_extra",
    )
  })

  it.each(bad)("message content %j", async (text) => {
    await seed()
    corrupt("messages", "content", ids.message, text)
    await expectIntegrity(store.messages.get(ids.message), "messages", "content")
    await expectIntegrity(store.messages.list(ids.session), "messages", "content")
    await expectIntegrity(store.messages.pop(ids.session), "messages", "content")
  })

  it.each(bad)("event data and text %j", async (text) => {
    await seed()
    corrupt("events", "data", ids.event, text)
    await expectIntegrity(store.events.get(ids.event), "events", "data")
    await expectIntegrity(store.events.query({ sessionId: ids.session }), "events", "data")
    await expectIntegrity(store.events.tail(1, { sessionId: ids.session }), "events", "data")
    corrupt("events", "data", ids.event, "null")
    corrupt("events", "text", ids.event, text)
    await expectIntegrity(store.events.get(ids.event), "events", "text")
  })

  it.each(bad)("tool arguments %j", async (text) => {
    await seed()
    corrupt("tool_invocations", "arguments", ids.tool, text)
    await expectIntegrity(store.tools.get(ids.tool), "tool_invocations", "arguments")
    await expectIntegrity(
      store.tools.list({ sessionId: ids.session }),
      "tool_invocations",
      "arguments",
    )
  })

  it("rejects stored values of the wrong JSON shape or SQL type", async () => {
    await seed()
    corrupt("sessions", "metadata", ids.session, "[1,2]")
    await expectIntegrity(store.sessions.get(ids.session), "sessions", "metadata")
    corrupt("sessions", "metadata", ids.session, 42)
    await expectIntegrity(store.sessions.get(ids.session), "sessions", "metadata")
    corrupt("messages", "metadata", ids.message, Buffer.from("{}"))
    await expectIntegrity(store.messages.get(ids.message), "messages", "metadata")
    corrupt("messages", "metadata", ids.message, "{}")
    for (const usage of ['"x"', '{"input": "1"}', '{"extra": {"a": -1}}', '{"extra": 3}']) {
      corrupt("messages", "usage", ids.message, usage)
      await expectIntegrity(store.messages.get(ids.message), "messages", "usage")
    }
    corrupt("events", "text", ids.event, "123")
    await expectIntegrity(store.events.get(ids.event), "events", "text")
    corrupt("tool_invocations", "provider_metadata", ids.tool, "null")
    await expectIntegrity(store.tools.get(ids.tool), "tool_invocations", "provider_metadata")
    corrupt("tool_invocations", "provider_metadata", ids.tool, "{}")
    corrupt("tool_invocations", "change_ids", ids.tool, '[1, "x"]')
    await expectIntegrity(store.tools.get(ids.tool), "tool_invocations", "change_ids")
    corrupt("tool_invocations", "change_ids", ids.tool, "[]")
    corrupt("tool_invocations", "resource_refs", ids.tool, "{}")
    await expectIntegrity(store.tools.get(ids.tool), "tool_invocations", "resource_refs")
    corrupt("sessions", "metadata", ids.session, "{}")
    for (const extra of ['{"cache": "3"}', '{"cache": -1}', '{"cache": 1.5}', "[]"]) {
      corrupt("sessions", "usage_extra", ids.session, extra)
      await expectIntegrity(store.sessions.get(ids.session), "sessions", "usage_extra")
    }
  })
})
