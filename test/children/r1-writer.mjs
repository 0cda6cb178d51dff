// R1 writer: appends events with keys `w<writer>-<index>` from <start> on, forever, and reports
// each committed append on stdout as `ack <last index> <cursor,...> <re-sends found stored>`.
// The parent kills it with SIGKILL at random moments and restarts it from its last ack + 1.
import { writeSync } from "node:fs"
import { createInterface } from "node:readline"
import { setTimeout as sleep } from "node:timers/promises"
import { openStore } from "../../dist/index.js"

const [url, writer, startArg, seedArg] = process.argv.slice(2)
const startedAt = Date.now()
const store = await openStore(url)
const key = (i) => `w${writer}-${String(i).padStart(6, "0")}`
const event = (i) => ({
  id: key(i),
  kind: i % 7 === 0 ? "r1.batch" : "r1.step",
  agent: `w${writer}`,
  data: { writer: Number(writer), i, note: `step ${i} \u0000 ✓` },
})

let seed = Number(seedArg) >>> 0
const random = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 4294967296
}

// "pause" on stdin: after the next commit, say `paused` and hang before acknowledging it.
let pause = false
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "pause") pause = true
})

writeSync(1, "ready\n")
for (let i = Number(startArg); ; ) {
  const size = random() < 0.2 ? 2 + Math.floor(random() * 4) : 1
  const inputs = Array.from({ length: size }, (_, k) => event(i + k))
  const stored =
    size === 1 ? [await store.events.append(inputs[0])] : await store.events.appendMany(inputs)
  // Now and then the acknowledgement is late, so some kills land between commit and ack:
  // the restarted writer then re-sends an event that is already stored.
  if (random() < 0.1) await sleep(2)
  if (pause) {
    writeSync(1, "paused\n")
    await new Promise(() => {})
  }
  const found = stored.filter((e) => Date.parse(e.time) < startedAt).length
  writeSync(1, `ack ${i + size - 1} ${stored.map((e) => e.cursor).join(",")} ${found}\n`)
  i += size
}
