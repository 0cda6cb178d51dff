import { randomUUID } from "node:crypto"
import {
  convertToModelMessages,
  createIdGenerator,
  readUIMessageStream,
  stepCountIs,
  streamText,
  tool,
  type UIMessage,
  validateUIMessages,
} from "ai"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { z } from "zod"
import { createChatStore } from "../../src/adapters/ai-sdk/index.js"
import type { Store } from "../../src/index.js"
import { drain, scriptedModel, textTurn, toolTurn } from "../support/ai-sdk.js"
import { storeTargets } from "../support/store-targets.js"

const tools = {
  weather: tool({
    description: "Current weather of a city",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, celsius: 21 }),
  }),
}
const metadataSchema = z.object({ turn: z.number() })

const targets = storeTargets(
  "ai-sdk",
  "ai-sdk adapter on postgres (the test server is unreachable)",
)

/** Message ids are unique in a namespace, so every test uses its own. */
let prefix = ""
function user(id: string, text: string, turn: number): UIMessage {
  return { id: `${prefix}${id}`, role: "user", metadata: { turn }, parts: [{ type: "text", text }] }
}

describe.each(targets)("agentstore/ai-sdk on $name", (target) => {
  let store: Store
  beforeAll(async () => {
    store = await target.open()
  })
  beforeEach(() => {
    prefix = `${randomUUID().slice(0, 8)}-`
  })
  afterAll(async () => {
    await store.close()
    await target.cleanup()
  })

  /** One request of the persistence guide: stream an answer, save the chat from onFinish. */
  async function turn(
    chatId: string,
    messages: UIMessage[],
    model: ReturnType<typeof scriptedModel>,
    n: number,
  ) {
    const chats = createChatStore(store)
    let saved: Promise<void> | undefined
    let finished: UIMessage[] = []
    const result = streamText({
      model,
      messages: await convertToModelMessages(messages),
      tools,
      stopWhen: stepCountIs(3),
    })
    const response = result.toUIMessageStreamResponse({
      originalMessages: messages,
      generateMessageId: createIdGenerator({ prefix: "msg", size: 12 }),
      messageMetadata: () => ({ turn: n }),
      onFinish: ({ messages: all }) => {
        finished = all
        saved = chats.saveChat({ chatId, messages: all })
      },
    })
    await response.text()
    await saved
    return finished
  }

  it("saves a streamed chat with a tool call, reloads it valid, and continues it", async () => {
    const chats = createChatStore(store)
    const chatId = await chats.createChat({ title: "Weather" })
    const model = scriptedModel([
      toolTurn("call-1", "weather", { city: "Paris" }),
      textTurn("It is 21 degrees in Paris."),
      textTurn("You are welcome."),
    ])
    const first = await turn(chatId, [user("u1", "Weather in Paris?", 1)], model, 1)
    expect(first).toHaveLength(2)
    const loaded = await chats.loadChat(chatId)
    expect(loaded).toEqual(first)
    const parts = loaded[1]?.parts ?? []
    expect(parts.map((part) => part.type)).toContain("tool-weather")
    const validated = await validateUIMessages({
      messages: loaded,
      tools: tools as never,
      metadataSchema,
    })
    expect(validated).toEqual(loaded)

    const second = await turn(chatId, [...loaded, user("u2", "Thanks!", 2)], model, 2)
    const prompt = model.doStreamCalls[2]?.prompt ?? []
    expect(prompt.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
      "user",
    ])
    const reloaded = await chats.loadChat(chatId)
    expect(reloaded).toEqual(second)
    expect(reloaded.slice(0, 2)).toEqual(loaded)
    expect(reloaded.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"])

    const { messages } = await store.messages.list(chatId)
    expect(messages.map((m) => [m.id, m.role])).toEqual(reloaded.map((m) => [m.id, m.role]))
    expect(messages[3]?.content).toEqual(reloaded[3]?.parts)
    expect((await store.sessions.get(chatId)).agent).toBe("ai-sdk")
  })

  it("round-trips every field of a UI message exactly", async () => {
    const chats = createChatStore(store)
    const chatId = await chats.createChat()
    const messages = [
      {
        id: `${prefix}m-1`,
        role: "assistant",
        metadata: { turn: 1, nested: { list: [1, null, "é😀\u0000"], flag: false } },
        createdAt: "2025-01-02T03:04:05.000Z",
        parts: [
          { type: "step-start" },
          { type: "reasoning", text: "think", state: "done", providerMetadata: { x: { y: 1 } } },
          { type: "text", text: "answer", state: "done" },
          { type: "data-weather", id: "d1", data: { celsius: -3.5 } },
          { type: "file", mediaType: "image/png", url: "data:image/png;base64,AAAA" },
        ],
      },
      { id: `${prefix}m-2`, role: "system", parts: [{ type: "text", text: "be brief" }] },
    ] as unknown as UIMessage[]
    await chats.saveChat({ chatId, messages })
    const loaded = await chats.loadChat(chatId)
    expect(loaded).toEqual(messages)
    expect(loaded[1]).not.toHaveProperty("metadata")
  })

  it("upserts by id: new ids appended, changed messages replaced in place, others kept", async () => {
    const chats = createChatStore(store)
    const chatId = await chats.createChat()
    const [u1, a1, u2] = [user("u1", "one", 1), user("a1", "two", 1), user("u2", "three", 2)]
    await chats.saveChat({ chatId, messages: [u1, a1, u2] as UIMessage[] })
    const a1b = { ...a1, parts: [{ type: "text" as const, text: "two, edited" }] } as UIMessage
    const a3 = user("a3", "four", 2)
    await chats.saveChat({ chatId, messages: [u1, a1b, u2, a3] as UIMessage[] })
    expect(await chats.loadChat(chatId)).toEqual([u1, a1b, u2, a3])
    const before = await store.messages.list(chatId)
    await chats.saveChat({ chatId, messages: [u1, a1b] as UIMessage[] })
    expect(await store.messages.list(chatId)).toEqual(before)
    await chats.saveChat({ chatId, messages: [u1, a1b, a3] as UIMessage[], prune: true })
    expect(await chats.loadChat(chatId)).toEqual([u1, a1b, a3])
    const made = `${prefix}chat`
    await chats.saveChat({ chatId: made, messages: [user("other", "x", 1)] })
    expect(await chats.loadChat(made)).toEqual([user("other", "x", 1)])
    const stolen = await chats.saveChat({ chatId: made, messages: [u1] }).catch((e: unknown) => e)
    expect(stolen).toMatchObject({ code: "CONFLICT", details: { id: u1.id, otherChatId: chatId } })
    expect(await chats.loadChat(made)).toEqual([user("other", "x", 1)])
  })

  it("keeps every message when 8 saves that each replace one message race", async () => {
    const chats = createChatStore(store)
    const chatId = await chats.createChat()
    const base = [user("b1", "base", 1), user("b2", "shared", 1)] as UIMessage[]
    await chats.saveChat({ chatId, messages: base })
    const saves = Array.from({ length: 8 }, (_, i) =>
      chats.saveChat({
        chatId,
        messages: [
          base[0] as UIMessage,
          { ...(base[1] as UIMessage), parts: [{ type: "text", text: `shared v${i}` }] },
          user(`own-${i}`, `own ${i}`, 2),
        ],
      }),
    )
    await Promise.all(saves)
    const loaded = await chats.loadChat(chatId)
    const ids = loaded.map((m) => m.id)
    expect(ids.slice(0, 2)).toEqual([`${prefix}b1`, `${prefix}b2`])
    const own = Array.from({ length: 8 }, (_, i) => `${prefix}own-${i}`)
    expect(ids.slice(2).sort()).toEqual(own.sort())
    expect(loaded[1]?.parts[0]).toMatchObject({ text: expect.stringMatching(/^shared v\d$/) })
    const { messages } = await store.messages.list(chatId)
    expect(messages.map((m) => m.sequence)).toEqual(messages.map((_, i) => i + 1))
  })

  it("changes nothing on bad input and refuses chats that do not hold UI messages", async () => {
    const chats = createChatStore(store)
    const chatId = await chats.createChat()
    const messages = [user("u1", "one", 1), user("a1", "two", 1)] as UIMessage[]
    await chats.saveChat({ chatId, messages })
    const before = await store.messages.list(chatId)
    const badPart = { type: "data-x", data: 10n } as unknown as UIMessage["parts"][number]
    const changed = { ...(messages[1] as UIMessage), parts: [badPart] }
    const dated = { ...changed, parts: [{ type: "data-x", data: new Date(0) }] }
    const huge = { ...changed, parts: [{ type: "text", text: "x".repeat(4 * 1024 * 1024 + 1) }] }
    const cases: unknown[] = [
      [messages[0], changed],
      [messages[0], dated],
      [messages[0], huge, user("u3", "new", 2)],
      [messages[0], { ...messages[1], role: "tool" }],
      [messages[0], messages[0]],
      "not an array",
    ]
    for (const bad of cases) {
      const error = await chats
        .saveChat({ chatId, messages: bad as UIMessage[] })
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ code: "VALIDATION" })
    }
    const after = await store.messages.list(chatId)
    const shape = (page: typeof before) =>
      page.messages.map(({ id, sequence, role, content, metadata }) => ({
        ...{ id, sequence, role, content, metadata },
      }))
    expect(shape(after)).toEqual(shape(before))

    await expect(chats.loadChat("no-such-chat")).rejects.toMatchObject({ code: "NOT_FOUND" })
    const other = await store.sessions.create({ agent: "cli" })
    await store.messages.append(other.id, { role: "user", content: "plain text" })
    await expect(chats.loadChat(other.id)).rejects.toMatchObject({ code: "INTEGRITY" })
  })

  it("records a stream, and a reader cut mid-way resumes with no lost or repeated chunk", async () => {
    const chats = createChatStore(store)
    const chatId = await chats.createChat()
    const answer = "A resumable answer streamed in many small pieces, one after the other."
    const model = scriptedModel([textTurn(answer, 30)], 15)
    const messages = [user("u1", "Tell me", 1)]
    let recording: Promise<unknown> | undefined
    const result = streamText({ model, messages: await convertToModelMessages(messages) })
    const response = result.toUIMessageStreamResponse({
      originalMessages: messages,
      generateMessageId: () => "reply-1",
      consumeSseStream: ({ stream }) => {
        recording = chats.recordStream({ chatId, stream })
      },
    })
    const received = await readSseChunks(response, 6)
    const streamId = await chats.activeStreamId(chatId)
    expect(streamId).not.toBeNull()
    const rest = await drain(
      (await chats.resumeStream(chatId, { afterChunk: 6 })) as ReadableStream,
    )
    const recorded = (await recording) as { chunks: number; status: string }
    const all = [...received, ...rest]
    expect(recorded).toMatchObject({ chunks: all.length, status: "finished" })
    const replay = await chats.resumeStream(chatId, { streamId: streamId as string })
    expect(await drain(replay as ReadableStream)).toEqual(all)
    const deltas = all.filter((c) => (c as { type: string }).type === "text-delta")
    expect(deltas.map((c) => (c as { delta: string }).delta).join("")).toBe(answer)
    const built = await lastMessage(all)
    expect(built).toMatchObject({
      id: "reply-1",
      parts: [{ type: "step-start" }, { type: "text", text: answer }],
    })
    expect(await chats.activeStreamId(chatId)).toBeNull()
    expect(await chats.resumeStream(chatId)).toBeNull()
  })
})

/** Reads the first `n` chunks of a UI message stream response, then disconnects. */
async function readSseChunks(response: Response, n: number): Promise<unknown[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  const chunks: unknown[] = []
  let text = ""
  while (chunks.length < n) {
    const { done, value } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
    let end = text.indexOf("\n\n")
    while (end >= 0 && chunks.length < n) {
      const data = text.slice(0, end).replace(/^data: /, "")
      text = text.slice(end + 2)
      if (data !== "[DONE]") chunks.push(JSON.parse(data))
      end = text.indexOf("\n\n")
    }
  }
  await reader.cancel()
  return chunks
}

async function lastMessage(chunks: unknown[]): Promise<UIMessage | undefined> {
  let last: UIMessage | undefined
  const stream = new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk)
      controller.close()
    },
  })
  for await (const message of readUIMessageStream({ stream })) last = message
  return last
}
