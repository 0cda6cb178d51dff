// `npm run build && node bench/adapters.js [--quick] [--backend sqlite,postgres]`: each framework
// adapter against the framework's own official persistence on the same backend, in the same run.
// Writes bench/results/adapters.json (or adapters.partial.json with --quick).
import { writeFileSync } from "node:fs"
import { runLanggraph } from "./langgraph.js"
import { log, printTable, tempDir } from "./lib.js"
import { postgresReachable, postgresUrl } from "./postgres.js"

const argv = process.argv.slice(2)
const quick = argv.includes("--quick")
const at = argv.indexOf("--backend")
const lib = await import(new URL("../dist/index.js", import.meta.url).href)

async function backends() {
  if (at >= 0) return (argv[at + 1] ?? "").split(",")
  return (await postgresReachable(postgresUrl())) ? ["sqlite", "postgres"] : ["sqlite"]
}

const rows = []
for (const backend of await backends()) {
  const { dir, remove } = tempDir("agentstore-bench-adapters-")
  try {
    const options = {
      dir,
      pgUrl: postgresUrl(),
      n: quick ? 200 : 1000,
      reps: quick ? 1 : 3,
      samples: 200,
    }
    rows.push(...(await runLanggraph(lib, backend, options)))
  } finally {
    remove()
  }
}
printTable(rows.map((row) => ({ ...row, workload: `${row.workload} (${row.backend})` })))
const file = new URL(`results/adapters${quick ? ".partial" : ""}.json`, import.meta.url)
writeFileSync(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
)
log(`wrote ${file.pathname}`)
