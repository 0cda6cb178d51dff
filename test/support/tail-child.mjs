// A second process for live-tail tests. It imports the built package, as a user would.
//   append <url> <namespace> <count> <batch>   appends `count` events, printing "done"
//   follow <url> <namespace> <count>           prints "ready", then each event's id as it arrives
import { openStore } from "../../dist/index.js"

const [mode, url, namespace, count, batch = "1"] = process.argv.slice(2)
const store = await openStore(url, { namespace })
const total = Number(count)
if (mode === "append") {
  const size = Number(batch)
  for (let i = 0; i < total; i += size) {
    const n = Math.min(size, total - i)
    await store.events.appendMany(
      Array.from({ length: n }, (_, j) => ({
        kind: "remote",
        data: { pid: process.pid, i: i + j },
      })),
    )
  }
  process.stdout.write("done\n")
} else if (mode === "follow") {
  const sub = store.events.subscribe()
  process.stdout.write("ready\n")
  let seen = 0
  for await (const event of sub) {
    process.stdout.write(`${event.id}\n`)
    if (++seen === total) break
  }
}
await store.close()
