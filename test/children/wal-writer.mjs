// Appends batches of events with 1 KiB payloads for a while, as a constant writer.
//   node test/children/wal-writer.mjs <store-url> <ms>
// Prints "done <events>" and exits 0; any error is printed to stderr with exit code 1.
import { openStore } from "../../dist/index.js"

const [url, ms] = process.argv.slice(2)
const store = await openStore(url)
const payload = "x".repeat(1024)
try {
  const session = await store.sessions.create({ agent: `writer-${process.pid}` })
  const until = Date.now() + Number(ms)
  let events = 0
  while (Date.now() < until) {
    await store.events.appendMany(
      Array.from({ length: 20 }, (_, i) => ({
        kind: "k",
        sessionId: session.id,
        data: { payload, i },
      })),
    )
    events += 20
  }
  process.stdout.write(`done ${events}\n`)
} catch (error) {
  process.stderr.write(`${error?.code ?? ""} ${error?.stack ?? error}\n`)
  process.exitCode = 1
} finally {
  await store.close()
}
