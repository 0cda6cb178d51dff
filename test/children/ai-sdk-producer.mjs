// The POST handler of a chat route, as a process: streams an answer from the SDK's mock model,
// records the stream through consumeSseStream, saves the chat from onFinish, and reads the
// response as the client would, printing each chunk it sends ({"sent": chunk}) as a JSON line.
import { writeSync } from "node:fs"
import { streamText } from "ai"
import { MockLanguageModelV3, simulateReadableStream } from "ai/test"
import { createChatStore } from "../../dist/adapters/ai-sdk/index.js"
import { openStore } from "../../dist/index.js"

const [url, chatId, streamId, answer, pieces, delay] = process.argv.slice(2)
const print = (value) => writeSync(1, `${JSON.stringify(value)}\n`)
const store = await openStore(url)
const chats = createChatStore(store)

const size = Math.ceil(answer.length / Number(pieces))
const deltas = []
for (let i = 0; i < answer.length; i += size) {
  deltas.push({ type: "text-delta", id: "t1", delta: answer.slice(i, i + size) })
}
const usage = {
  inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 9, text: 9, reasoning: undefined },
}
const model = new MockLanguageModelV3({
  doStream: {
    stream: simulateReadableStream({
      chunkDelayInMs: Number(delay),
      chunks: [
        { type: "stream-start", warnings: [] },
        { type: "text-start", id: "t1" },
        ...deltas,
        { type: "text-end", id: "t1" },
        { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage },
      ],
    }),
  },
})

const messages = await chats.loadChat(chatId)
let recording
let saving
const result = streamText({ model, prompt: "Tell me" })
const response = result.toUIMessageStreamResponse({
  originalMessages: messages,
  generateMessageId: () => `${streamId}-reply`,
  onFinish: ({ messages: all }) => {
    saving = chats.saveChat({ chatId, messages: all })
  },
  consumeSseStream: ({ stream }) => {
    recording = chats.recordStream({ chatId, stream, streamId })
  },
})
let text = ""
const decoder = new TextDecoder()
for await (const bytes of response.body) {
  text += decoder.decode(bytes, { stream: true })
  for (let end = text.indexOf("\n\n"); end >= 0; end = text.indexOf("\n\n")) {
    const data = text.slice(0, end).replace(/^data: /, "")
    text = text.slice(end + 2)
    if (data !== "[DONE]") print({ sent: JSON.parse(data) })
  }
}
print({ recorded: await recording })
await saving
await store.close()
