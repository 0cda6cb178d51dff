// Measures the peak RSS growth of exporting one session with N events (the bundle goes to a file).
//   node test/children/export-memory.mjs seed <dir> <events>   creates the store, prints "seeded"
//   node test/children/export-memory.mjs export <dir>           prints { events, seconds, peakRssGrowthMb, bytes }
import { createWriteStream } from "node:fs"
import { join } from "node:path"
import { exportBundle } from "../../dist/bundles/export.js"
import { openStore } from "../../dist/index.js"

const [mode, dir, count] = process.argv.slice(2)
const total = Number(count)
const store = await openStore(dir)
if (mode === "seed") {
  await seed()
  await store.close()
  process.stdout.write("seeded\n")
  process.exit(0)
}
const session = (await store.sessions.list({ agent: "bulk" })).items[0]
async function seed() {
  const session = await store.sessions.create({ agent: "bulk" })
  for (let i = 0; i < total; i += 10_000) {
    const n = Math.min(10_000, total - i)
    await store.events.appendMany(
      Array.from({ length: n }, (_, j) => ({
        kind: "output",
        sessionId: session.id,
        data: { i: i + j, tokens: [1, 2, 3], note: "a typical small payload of an event" },
        text: `line ${i + j}`,
      })),
    )
  }
}
await store.events.count({ sessionId: session.id })
global.gc?.()
const base = process.memoryUsage().rss
let peak = base
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss)
}, 20)
const started = Date.now()
const result = await exportBundle(store, createWriteStream(join(dir, "bundle.ndjson.gz")), {
  sessions: [session.id],
  gzip: true,
  onProgress: () => {
    peak = Math.max(peak, process.memoryUsage().rss)
  },
})
clearInterval(timer)
peak = Math.max(peak, process.memoryUsage().rss)
await store.close()
process.stdout.write(
  `${JSON.stringify({ events: result.counts.event, seconds: (Date.now() - started) / 1000, peakRssGrowthMb: (peak - base) / 2 ** 20, bytes: result.bytes })}\n`,
)
