// `npm run bench [-- --quick] [-- --only w1,e3] [-- --reps 5]`: runs the benchmarks and writes
// bench/results/<backend>.json (a full run) or <backend>.partial.json (--quick / --only).
import { existsSync, writeFileSync } from "node:fs"
import { log, printTable, tempDir } from "./lib.js"
import { postgresConfig, postgresReachable, postgresUrl, runPostgres } from "./postgres.js"
import { SQLITE_WORKLOADS, sqliteConfig } from "./sqlite.js"
import { loadAgentstore, populateMessages } from "./sqlite-data.js"
import { rss, w5 } from "./sqlite-process.js"

function parseArgs(argv) {
  const args = { quick: false, only: undefined, reps: undefined, backends: undefined }
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
      const file = await populateMessages(lib, dir, cfg.rssMessages)
      rows.push(...(await rss(dir, cfg, file)))
    }
  } finally {
    remove()
  }
  return rows
}

/** SQLite always; PostgreSQL when the backend is built and the server answers. */
async function defaultBackends() {
  const built = existsSync(new URL("../dist/backends/postgres/index.js", import.meta.url))
  if (!built) {
    log("postgres: skipped (this build has no PostgreSQL backend)")
    return ["sqlite"]
  }
  if (!(await postgresReachable(postgresUrl()))) {
    log(`postgres: skipped (no server at ${postgresUrl().replace(/:[^:@/]*@/, ":***@")})`)
    return ["sqlite"]
  }
  return ["sqlite", "postgres"]
}

async function runBackend(lib, backend, args) {
  if (backend === "sqlite") return runSqlite(lib, args)
  if (backend !== "postgres") throw new Error(`unknown backend ${backend}`)
  const cfg = postgresConfig(args.quick)
  if (args.reps) cfg.reps = args.reps
  return runPostgres(lib, postgresUrl(), cfg, (name) => !args.only || args.only.includes(name))
}

const args = parseArgs(process.argv.slice(2))
const lib = await loadAgentstore()
const started = Date.now()
for (const backend of args.backends ?? (await defaultBackends())) {
  const rows = await runBackend(lib, backend, args)
  const partial = args.quick || args.only !== undefined
  const file = new URL(`./results/${backend}${partial ? ".partial" : ""}.json`, import.meta.url)
  writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`)
  printTable(rows)
  log(`wrote ${file.pathname} after ${Math.round((Date.now() - started) / 1000)} s`)
}
