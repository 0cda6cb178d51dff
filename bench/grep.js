// `npm run build && node bench/grep.js [--mib N]`: grep drilldowns over an artifact of short log
// lines (default 100 MiB) on the filesystem and the in-database blob store; prints the median of
// 3 runs per pattern in ms. Used to compare grep speed before and after matcher changes.
import { tempDir } from "./lib.js"

const MIB = 1024 * 1024
const mibArg = process.argv.indexOf("--mib")
const mib = mibArg > 0 ? Number(process.argv[mibArg + 1]) : 100
const lib = await import(new URL("../dist/index.js", import.meta.url).href)

function content() {
  const parts = []
  let total = 0
  for (let i = 0; total < mib * MIB; i++) {
    const second = String(i % 60).padStart(2, "0")
    const line = `2024-01-01T00:00:${second} INFO worker-${i % 17} processed item ${i} ok\n`
    parts.push(line)
    total += line.length
  }
  return Buffer.from(parts.join(""))
}

const selectors = [
  { kind: "grep", pattern: "ERROR" },
  { kind: "grep", pattern: "error", ignoreCase: true },
  { kind: "grep", pattern: "worker-1[0-6] .*item 9999\\d\\b" },
  { kind: "grep", pattern: "item 12345 ", context: 2 },
]

const bytes = content()
const temp = tempDir("grep-bench-")
for (const [name, url] of [
  ["fs", temp.dir],
  ["database", ":memory:"],
]) {
  const store = await lib.openStore(url)
  const { handle } = await store.artifacts.put(bytes)
  for (const selector of selectors) {
    const times = []
    let matches = 0
    for (let r = 0; r < 3; r++) {
      const start = performance.now()
      const result = await store.artifacts.drilldown(handle, selector)
      times.push(performance.now() - start)
      matches = result.matches.length
    }
    times.sort((a, b) => a - b)
    const label = `${selector.pattern}${selector.ignoreCase ? " (i)" : ""}`
    console.log(`${name}\t${label}\t${matches} matches\t${Math.round(times[1])} ms`)
  }
  await store.close()
}
temp.remove()
