// R11: appends events (time = now) while retention runs in another process.
//   node test/children/r11-appender.mjs <store-url> <count> <batch>
// Prints "done <count>" and exits 0; any error is printed to stderr with exit code 1.
import { openStore } from "../../dist/index.js"

const [url, count, batch] = process.argv.slice(2)
const store = await openStore(url)
try {
  const session = await store.sessions.create({ agent: `writer-${process.pid}` })
  const total = Number(count)
  const size = Number(batch)
  for (let i = 0; i < total; i += size) {
    const n = Math.min(size, total - i)
    await store.events.appendMany(
      Array.from({ length: n }, (_, j) => ({
        kind: "fresh",
        sessionId: session.id,
        data: { i: i + j },
      })),
    )
    await store.messages.append(session.id, { role: "user", content: `m${i}` })
  }
  process.stdout.write(`done ${total}\n`)
} catch (error) {
  process.stderr.write(`${error?.code ?? ""} ${error?.stack ?? error}\n`)
  process.exitCode = 1
} finally {
  await store.close()
}
