// R3 appender: after "go" on stdin, makes <count> appends to one shared session, alternating
// event appends and message appends, and never retries. Each error that reaches it is reported
// as `error <index> <code> <message>`; the last line is `done <errors>`.
import { writeSync } from "node:fs"
import { createInterface } from "node:readline"
import { openStore } from "../../dist/index.js"

const [url, proc, countArg, sessionId] = process.argv.slice(2)
const count = Number(countArg)
const store = await openStore(url)
writeSync(1, "ready\n")
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
await lines.next()

let errors = 0
for (let i = 0; i < count; i++) {
  try {
    if (i % 2 === 0) {
      await store.events.append({
        id: `p${proc}-e${i}`,
        kind: "r3",
        agent: `p${proc}`,
        sessionId,
        data: { proc: Number(proc), i },
      })
    } else {
      await store.messages.append(sessionId, {
        id: `p${proc}-m${i}`,
        role: "user",
        content: { proc: Number(proc), i },
      })
    }
  } catch (error) {
    errors++
    writeSync(1, `error ${i} ${error?.code} ${String(error?.message).replace(/\n/g, " ")}\n`)
  }
}
await store.close()
writeSync(1, `done ${errors}\n`)
process.exit(0)
