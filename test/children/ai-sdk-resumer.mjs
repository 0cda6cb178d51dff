// The resume (GET) handler of a chat route, as a process: prints the chat's active stream id,
// then every chunk of the stream after the first `afterChunk` ({"chunk": …}), then {"end": n}.
import { writeSync } from "node:fs"
import { createChatStore } from "../../dist/adapters/ai-sdk/index.js"
import { openStore } from "../../dist/index.js"

const [url, chatId, streamId, afterChunk] = process.argv.slice(2)
const print = (value) => writeSync(1, `${JSON.stringify(value)}\n`)
const store = await openStore(url)
const chats = createChatStore(store)
print({ active: await chats.activeStreamId(chatId) })
const stream = await chats.resumeStream(chatId, { streamId, afterChunk: Number(afterChunk) })
let n = 0
for await (const chunk of stream) {
  print({ chunk })
  n++
}
print({ end: n })
await store.close()
