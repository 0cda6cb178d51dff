import { randomUUID } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { createChatStore } from "../../src/adapters/ai-sdk/index.js"
import { openStore } from "../../src/index.js"
import { startChild } from "../support/children.js"
import { dropSchema, freshSchema, PG_URL, pgAvailable } from "../support/postgres.js"

const dir = mkdtempSync(join(tmpdir(), "agentstore-ai-sdk-proc-"))
const schema = freshSchema()
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  if (pgAvailable) await dropSchema(schema)
})

const urls = [{ name: "sqlite file", url: `sqlite:${join(dir, "chats.db")}` }]
if (pgAvailable) urls.push({ name: "postgres", url: `${PG_URL}?schema=${schema}` })
else
  it.skip("ai-sdk streams across processes on postgres (the test server is unreachable)", () => {})

const ANSWER = "Streams survive a disconnect: the log holds every chunk, in order, once. ".repeat(3)
const PIECES = 80
const DELAY_MS = 40
const CUT_AFTER = 5

describe.each(urls)(
  "a UI message stream cut mid-way, resumed from another process ($name)",
  ({ url }) => {
    it("the chunks before the cut plus the resumed ones are exactly the chunks the route sent", async () => {
      const store = await openStore(url)
      const chats = createChatStore(store)
      const chatId = await chats.createChat()
      const userMessage = { id: `${chatId}-u1`, role: "user" as const, parts: [] }
      await chats.saveChat({
        chatId,
        messages: [{ ...userMessage, parts: [{ type: "text", text: "Tell me" }] }],
      })
      const streamId = `uis_${randomUUID().replaceAll("-", "")}`

      const sent: unknown[] = []
      let recorded: unknown
      let resumer: ReturnType<typeof startChild> | undefined
      const resumed: unknown[] = []
      let active: unknown
      let end: unknown
      const producer = startChild(
        "ai-sdk-producer.mjs",
        [url, chatId, streamId, ANSWER, String(PIECES), String(DELAY_MS)],
        (line) => {
          const message = JSON.parse(line) as { sent?: unknown; recorded?: unknown }
          if ("recorded" in message) recorded = message.recorded
          if (!("sent" in message)) return
          sent.push(message.sent)
          if (sent.length !== CUT_AFTER) return
          // The client has CUT_AFTER chunks and disconnects; it reconnects to another process.
          resumer = startChild(
            "ai-sdk-resumer.mjs",
            [url, chatId, streamId, String(CUT_AFTER)],
            (l) => {
              const out = JSON.parse(l) as { active?: unknown; chunk?: unknown; end?: unknown }
              if ("active" in out) active = out.active
              if ("chunk" in out) resumed.push(out.chunk)
              if ("end" in out) end = out.end
            },
          )
        },
      )
      expect(await producer.closed, producer.stderr()).toEqual({ code: 0, signal: null })
      expect(resumer).toBeDefined()
      const done = resumer as ReturnType<typeof startChild>
      expect(await done.closed, done.stderr()).toEqual({ code: 0, signal: null })

      expect(active).toBe(streamId)
      expect(sent.length).toBeGreaterThan(PIECES / 2)
      const client = [...sent.slice(0, CUT_AFTER), ...resumed]
      expect(client).toEqual(sent)
      expect(end).toBe(sent.length - CUT_AFTER)
      expect(recorded).toEqual({ streamId, chunks: sent.length, status: "finished" })
      const text = sent
        .filter((c) => (c as { type: string }).type === "text-delta")
        .map((c) => (c as { delta: string }).delta)
        .join("")
      expect(text).toBe(ANSWER)

      const saved = await chats.loadChat(chatId)
      expect(saved.map((m) => m.id)).toEqual([userMessage.id, `${streamId}-reply`])
      expect(saved[1]?.parts).toContainEqual({ type: "text", text: ANSWER, state: "done" })
      expect(await chats.activeStreamId(chatId)).toBeNull()
      await store.close()
    })
  },
)
