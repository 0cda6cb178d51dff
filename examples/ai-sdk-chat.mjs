// A chat route on agentstore: POST streams an answer and saves the chat, GET resumes the
// stream after a disconnect. The model is the AI SDK's mock, so this runs offline:
//   npm run build && node examples/ai-sdk-chat.mjs [store-url]
import { randomUUID } from "node:crypto"
import { openStore } from "agentstore"
import { createChatStore } from "agentstore/ai-sdk"
import {
  convertToModelMessages,
  createUIMessageStreamResponse,
  readUIMessageStream,
  streamText,
  validateUIMessages,
} from "ai"
import { MockLanguageModelV3, simulateReadableStream } from "ai/test"

const store = await openStore(process.argv[2] ?? ":memory:")
const chats = createChatStore(store)
const saves = []

function model(answer) {
  const words = answer.split(/(?<= )/)
  return new MockLanguageModelV3({
    doStream: {
      stream: simulateReadableStream({
        chunkDelayInMs: 10,
        chunks: [
          { type: "text-start", id: "t" },
          ...words.map((delta) => ({ type: "text-delta", id: "t", delta })),
          { type: "text-end", id: "t" },
          { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage: {
            inputTokens: { total: 5, noCache: 5, cacheRead: undefined, cacheWrite: undefined },
            outputTokens: { total: words.length, text: words.length, reasoning: undefined },
          } },
        ],
      }),
    },
  })
}

// POST /api/chat — body { id, message }: the client sends only its new message.
async function POST(request, answer) {
  const { id, message } = await request.json()
  const messages = await validateUIMessages({ messages: [...(await chats.loadChat(id)), message] })
  const result = streamText({ model: model(answer), messages: await convertToModelMessages(messages) })
  return result.toUIMessageStreamResponse({
    originalMessages: messages,
    generateMessageId: randomUUID,
    onFinish: ({ messages: all }) => saves.push(chats.saveChat({ chatId: id, messages: all })),
    consumeSseStream: ({ stream }) => chats.recordStream({ chatId: id, stream }),
  })
}

// GET /api/chat/:id/stream — what useChat({ resume: true }) calls on mount.
async function GET(id) {
  const stream = await chats.resumeStream(id)
  return stream ? createUIMessageStreamResponse({ stream }) : new Response(null, { status: 204 })
}

const chatId = await chats.createChat({ title: "Resumable chat" })
const message = { id: randomUUID(), role: "user", parts: [{ type: "text", text: "Hello?" }] }
const post = await POST(
  new Request("http://app/api/chat", { method: "POST", body: JSON.stringify({ id: chatId, message }) }),
  "Hello! This answer keeps streaming while the tab reloads.",
)
const reader = post.body.getReader()
await reader.read()
await reader.cancel() // the tab closes after the first bytes
console.log("disconnected; active stream:", (await chats.activeStreamId(chatId)) !== null)

const resumed = await GET(chatId)
const chunks = await new Response(resumed.body).text()
const replay = chunks.split("\n\n").filter((e) => e.startsWith("data: {")).map((e) => JSON.parse(e.slice(6)))
let reply
const replayStream = new ReadableStream({ start(c) { for (const x of replay) c.enqueue(x); c.close() } })
for await (const m of readUIMessageStream({ stream: replayStream })) reply = m
console.log("resumed:", reply.parts.find((p) => p.type === "text").text)

await Promise.all(saves)
const saved = await chats.loadChat(chatId)
console.log("saved:", saved.map((m) => m.role).join(", "))
console.log("after the stream ended, GET answers", (await GET(chatId)).status)
await store.close()
