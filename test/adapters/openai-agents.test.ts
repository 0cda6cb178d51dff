import { type AgentInputItem, MemorySession } from "@openai/agents-core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { createOpenAIAgentsSession } from "../../src/adapters/openai-agents/index.js"
import type { Store } from "../../src/index.js"
import { TARGETS } from "./openai-agents-targets.js"

/** One item of each shape the runner writes, with the fields it may carry. */
export const ITEMS = [
  { type: "message", role: "user", content: "What is the weather in Oslo?" },
  { role: "system", content: "Be brief. \u0000 \ud83d\ude00 \ud800" },
  {
    type: "message",
    role: "user",
    content: [
      { type: "input_text", text: "and this picture?" },
      { type: "input_image", image: "data:image/png;base64,iVBORw0KGgo=", detail: "low" },
    ],
  },
  {
    type: "function_call",
    id: "fc_1",
    name: "get_weather",
    callId: "call_1",
    status: "completed",
    arguments: '{"city":"Oslo"}',
    providerData: { z: 1, a: [null, { nested: true }] },
  },
  {
    type: "function_call_result",
    name: "get_weather",
    callId: "call_1",
    status: "completed",
    output: { type: "text", text: "sunny" },
  },
  { type: "reasoning", id: "rs_1", content: [{ type: "input_text", text: "thinking" }] },
  {
    type: "hosted_tool_call",
    name: "web_search_call",
    status: "completed",
    providerData: { query: "oslo weather" },
  },
  {
    type: "message",
    role: "assistant",
    status: "completed",
    content: [{ type: "output_text", text: "Sunny in Oslo." }],
    providerData: { annotations: [] },
  },
] as unknown as AgentInputItem[]

for (const target of TARGETS) {
  describe.skipIf(target.skip)(`openai-agents Session on ${target.name}`, () => {
    let store: Store
    let dispose: () => Promise<void>
    beforeEach(async () => {
      ;({ store, dispose } = await target.open())
    })
    afterEach(() => dispose())

    it("keeps every field of every item, in order and key order, like MemorySession", async () => {
      const session = createOpenAIAgentsSession(store, { agent: "support" })
      const memory = new MemorySession()
      for (const s of [session, memory]) {
        await s.addItems(ITEMS.slice(0, 3))
        await s.addItems(ITEMS.slice(3))
      }
      const items = await session.getItems()
      expect(items).toEqual(await memory.getItems())
      expect(JSON.stringify(items)).toBe(JSON.stringify(ITEMS))
      expect(await session.getItems(2)).toEqual(ITEMS.slice(-2))
      expect(await session.getItems(0)).toEqual([])
      expect(await session.getItems(100)).toEqual(ITEMS)
      const id = await session.getSessionId()
      expect((await store.sessions.get(id)).agent).toBe("support")
      expect(await session.popItem()).toEqual(await memory.popItem())
      expect(await session.getItems()).toEqual(await memory.getItems())
      await session.clearSession()
      expect(await session.getItems()).toEqual([])
      expect(await session.popItem()).toBeUndefined()
      expect(await session.getSessionId()).toBe(id)
    })

    it("maps role, name and a readable body onto the stored messages", async () => {
      const session = createOpenAIAgentsSession(store)
      await session.addItems(ITEMS)
      const { messages } = await store.messages.list(await session.getSessionId())
      const shown = messages.map((m) => [m.sequence, m.role, m.name, m.toolCallId, m.content])
      expect(shown.slice(0, 1)).toEqual([[1, "user", null, null, "What is the weather in Oslo?"]])
      expect(shown[3]).toEqual([4, "assistant", "get_weather", "call_1", '{"city":"Oslo"}'])
      expect(shown[4]).toEqual([
        5,
        "tool",
        "get_weather",
        "call_1",
        { type: "text", text: "sunny" },
      ])
      expect(shown[6]?.slice(1, 3)).toEqual(["assistant", "web_search_call"])
      expect(shown[7]?.[4]).toEqual([{ type: "output_text", text: "Sunny in Oslo." }])
    })

    it("resumes a session by id from another Session object, creating it once", async () => {
      const a = createOpenAIAgentsSession(store, { sessionId: "chat-1", title: "Weather" })
      const b = createOpenAIAgentsSession(store, { sessionId: "chat-1" })
      const [idA, idB] = await Promise.all([a.getSessionId(), b.getSessionId()])
      expect([idA, idB]).toEqual(["chat-1", "chat-1"])
      await a.addItems(ITEMS.slice(0, 2))
      expect(await b.getItems()).toEqual(ITEMS.slice(0, 2))
      expect((await store.sessions.get("chat-1")).title).toBe("Weather")
      await expect(
        createOpenAIAgentsSession(store, { sessionId: "bad id" }).getItems(),
      ).rejects.toMatchObject({ code: "VALIDATION" })
      await expect(a.getItems(-1)).rejects.toMatchObject({ code: "VALIDATION" })
    })

    it("reads long histories in pages as one state, also for a limit over a page", async () => {
      const session = createOpenAIAgentsSession(store)
      const many = Array.from({ length: 2500 }, (_, i) => ({ role: "user", content: `m${i}` }))
      await session.addItems(many as AgentInputItem[])
      expect(await session.getItems()).toEqual(many)
      expect(await session.getItems(1500)).toEqual(many.slice(-1500))
      expect(await session.getItems(3000)).toEqual(many)
    })

    it("never returns a mix of two states when a rewrite cuts into pages already read", async () => {
      const session = createOpenAIAgentsSession(store)
      const id = await session.getSessionId()
      const gen = (g: string, n: number) =>
        Array.from({ length: n }, (_, i) => ({ role: "user", content: `${g}-${i}` }))
      await session.addItems([...gen("base", 500), ...gen("g0", 2000)] as AgentInputItem[])
      let stop = false
      const rewriter = (async () => {
        for (let g = 1; !stop; g++) {
          await store.messages.replace(id, 500, gen(`g${g}`, 1000), { expectedSequence: 2500 })
          await store.messages.appendMany(id, gen(`g${g}`, 2000).slice(1000))
          await new Promise((resolve) => setImmediate(resolve))
        }
      })()
      const generations: number[] = []
      for (let i = 0; i < 40; i++) {
        const items = (await session.getItems()) as { content: string }[]
        const tail = items.slice(500).map((item) => item.content.split("-")[0])
        expect(items.slice(0, 500)).toEqual(gen("base", 500))
        expect(new Set(tail).size).toBe(1)
        generations.push(new Set(tail).size)
      }
      stop = true
      await rewriter
      expect(generations).toHaveLength(40)
    })

    it("starts a paged read again when a rewrite lands between its pages", async () => {
      const gen = (g: string, n: number) =>
        Array.from({ length: n }, (_, i) => ({
          type: "message",
          role: "user",
          content: `${g}-${i}`,
        }))
      const raw = (g: string, n: number) =>
        gen(g, n).map(({ role, content }) => ({ role, content }))
      let rewrites = 0
      const between: Store = {
        ...store,
        messages: {
          ...store.messages,
          async list(sessionId, query) {
            const page = await store.messages.list(sessionId, query)
            if (page.hasMore && rewrites < 2) {
              rewrites++
              await store.messages.replace(sessionId, 500, raw(`r${rewrites}`, 1000), {
                expectedSequence: 2500,
              })
              await store.messages.appendMany(sessionId, raw(`r${rewrites}`, 2000).slice(1000))
            }
            return page
          },
        },
      }
      const session = createOpenAIAgentsSession(between)
      await session.addItems([...gen("base", 500), ...gen("g0", 2000)] as AgentInputItem[])
      expect(await session.getItems()).toEqual([...gen("base", 500), ...gen("r2", 2000)])
      rewrites = 0
      expect(await session.getItems(2300)).toEqual([
        ...gen("base", 500).slice(200),
        ...gen("r2", 2000),
      ])
      expect(rewrites).toBe(2)
    })

    it("keeps each addItems batch whole and each popped item once under concurrent writers", async () => {
      const sessions = [0, 1, 2, 3].map(() =>
        createOpenAIAgentsSession(store, { sessionId: "shared" }),
      )
      const batch = (w: number, b: number) =>
        [0, 1, 2].map((k) => ({ role: "user", content: `${w}.${b}.${k}` })) as AgentInputItem[]
      await Promise.all(
        sessions.map(async (s, w) => {
          for (let b = 0; b < 10; b++) await s.addItems(batch(w, b))
        }),
      )
      const items = (await sessions[0]?.getItems()) as { content: string }[]
      expect(items).toHaveLength(120)
      for (let i = 0; i < items.length; i += 3) {
        const [w, b] = String(items[i]?.content).split(".")
        expect(items.slice(i, i + 3).map((x) => x.content)).toEqual(
          [0, 1, 2].map((k) => `${w}.${b}.${k}`),
        )
      }
      const popped = await Promise.all(
        Array.from({ length: 130 }, (_, i) => sessions[i % 4]?.popItem()),
      )
      const got = popped
        .filter((p) => p !== undefined)
        .map((p) => (p as { content: string }).content)
      expect(got.sort()).toEqual(items.map((x) => x.content).sort())
      expect(await sessions[1]?.getItems()).toEqual([])
    })
  })
}
