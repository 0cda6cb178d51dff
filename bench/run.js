// `npm run bench [-- --quick] [-- --only w1,e3] [-- --reps 5]`: runs the benchmarks and writes
// bench/results/<backend>.json (a full run) or <backend>.partial.json (--quick / --only).
import { writeFileSync } from "node:fs"
import { log, printTable, tempDir } from "./lib.js"
import { SQLITE_WORKLOADS, sqliteConfig } from "./sqlite.js"
import { loadAgentstore, populateMessages } from "./sqlite-data.js"
import { rss, w5 } from "./sqlite-process.js"

function parseArgs(argv) {
  const args = { quick: false, only: undefined, reps: undefined, backends: ["sqlite"] }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => argv[++i] ?? ""
    if (arg === "--quick") args.quick = true
    else if (arg === "--only") args.only = value().toLowerCase().split(",")
    else if (arg === "--reps") args.reps = Number(value())
    else if (arg === "--backend") args.backends = value().split(",")
    else throw new Error(`unknown argument ${arg}`)
  }
  return args
}

async function runSqlite(lib, args) {
  const cfg = sqliteConfig(args.quick)
  if (args.reps) cfg.reps = args.reps
  const wanted = (name) => !args.only || args.only.includes(name)
  const { dir, remove } = tempDir()
  const rows = []
  try {
    for (const [name, workload] of Object.entries(SQLITE_WORKLOADS)) {
      if (!wanted(name)) continue
      log(`sqlite ${name}`)
      rows.push(...(await workload(lib, dir, cfg)))
    }
    if (wanted("w5")) {
      log("sqlite w5")
      rows.push(...(await w5(lib, dir, cfg)))
    }
    if (wanted("rss")) {
      log("sqlite rss")
      const file = await populateMessages(lib, dir, 100_000)
      rows.push(...(await rss(lib, dir, cfg, file)))
    }
  } finally {
    remove()
  }
  return rows
}

const args = parseArgs(process.argv.slice(2))
const lib = await loadAgentstore()
const started = Date.now()
for (const backend of args.backends) {
  if (backend !== "sqlite") throw new Error(`unknown backend ${backend}`)
  const rows = await runSqlite(lib, args)
  const partial = args.quick || args.only !== undefined
  const file = new URL(`./results/${backend}${partial ? ".partial" : ""}.json`, import.meta.url)
  writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`)
  printTable(rows)
  log(`wrote ${file.pathname} in ${Math.round((Date.now() - started) / 1000)} s`)
}
