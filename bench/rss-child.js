// Runs W1–W4 with one side only (agentstore or raw) and prints the process's peak RSS.
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { createFile, loadAgentstore, messageInput } from "./sqlite-data.js"
import { openRaw, rawOps } from "./sqlite-raw.js"

const [side, dir, w3Path, w3Session, appendsText] = process.argv.slice(2)
const appends = Number(appendsText)
const lib = await loadAgentstore()
mkdirSync(dir, { recursive: true })

async function open(path) {
  if (side === "agentstore") return { store: await lib.openStore(`sqlite:${path}`) }
  return { db: openRaw(path) }
}

async function run() {
  const path = join(dir, "w.db")
  const sessionId = await createFile(lib, path)
  const { store, db } = await open(path)
  const ops = db && rawOps(db)
  for (let i = 0; i < appends; i++) {
    if (store) await store.messages.append(sessionId, messageInput(i))
    else ops.append(sessionId, [messageInput(i)])
  }
  for (let i = 0; i < appends; i += 100) {
    const batch = Array.from({ length: 100 }, (_, j) => messageInput(i + j))
    if (store) await store.messages.appendMany(sessionId, batch)
    else ops.append(sessionId, batch)
  }
  for (let i = 0; i < 1000; i++) {
    if (store) await store.sessions.create({ agent: `agent-${i % 10}`, title: `Session ${i}` })
    else ops.createSession(`agent-${i % 10}`, `Session ${i}`)
  }
  let cursor
  do {
    if (store)
      cursor = (await store.sessions.list(cursor ? { limit: 50, cursor } : { limit: 50 }))
        .nextCursor
    else cursor = ops.listSessions(50, cursor).next
  } while (cursor)
  await store?.close()
  db?.close()
  const w3 = await open(w3Path)
  const w3ops = w3.db && rawOps(w3.db)
  for (let i = 0; i < 500; i++) {
    if (w3.store) {
      await w3.store.messages.list(w3Session, { latest: 50 })
      await w3.store.messages.list(w3Session, { after: 1000 + i * 7, limit: 50 })
    } else {
      w3ops.latestMessages(w3Session, 50)
      w3ops.messagesAfter(w3Session, 1000 + i * 7, 50)
    }
  }
  await w3.store?.close()
  w3.db?.close()
}

await run()
process.stdout.write(
  JSON.stringify({ maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }),
)
