// R3 tailer: follows the event log by cursor and the session's transcript by sequence while
// appenders write, until "stop" on stdin; then drains once more and prints one JSON summary:
// what it saw, whether cursors only rose and sequences had no gap, and any error it met.
import { writeSync } from "node:fs"
import { createInterface } from "node:readline"
import { setTimeout as sleep } from "node:timers/promises"
import { openStore } from "../../dist/index.js"

const [url, sessionId] = process.argv.slice(2)
const store = await openStore(url)
let stopping = false
createInterface({ input: process.stdin }).on("line", () => {
  stopping = true
})

const seen = { events: 0, messages: 0, polls: 0, errors: [], problems: [] }
const ids = new Set()
let cursor
let sequence = 0

async function drain() {
  for (;;) {
    const page = await store.events.query({ limit: 1000, ...(cursor ? { after: cursor } : {}) })
    for (const event of page.events) {
      if (cursor !== undefined && BigInt(event.cursor) <= BigInt(cursor))
        seen.problems.push(`cursor ${event.cursor} after ${cursor}`)
      if (ids.has(event.id)) seen.problems.push(`event ${event.id} seen twice`)
      ids.add(event.id)
      cursor = event.cursor
      seen.events++
    }
    const list = await store.messages.list(sessionId, { after: sequence, limit: 1000 })
    for (const message of list.messages) {
      if (message.sequence !== sequence + 1)
        seen.problems.push(`sequence ${message.sequence} after ${sequence}`)
      sequence = message.sequence
      seen.messages++
    }
    seen.polls++
    if (!page.hasMore && !list.hasMore) return
  }
}

writeSync(1, "ready\n")
while (!stopping) {
  try {
    await drain()
  } catch (error) {
    seen.errors.push(`${error?.code} ${error?.message}`)
  }
  await sleep(2)
}
try {
  await drain()
} catch (error) {
  seen.errors.push(`${error?.code} ${error?.message}`)
}
await store.close()
writeSync(1, `${JSON.stringify(seen)}\n`)
process.exit(0)
