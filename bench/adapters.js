// `node bench/adapters.js [--quick] [--only openai-agents,...]` (after `npm run build`): each
// framework adapter against the framework's own persistence, same backend, same run. Every
// `bench/adapters-<name>.js` exports `run({ quick })` returning rows; the results of the
// adapters run are written into bench/results/adapters.json under their names, keeping the rest.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { log } from "./lib.js"

const here = new URL(".", import.meta.url)
const argv = process.argv.slice(2)
const quick = argv.includes("--quick")
const onlyAt = argv.indexOf("--only")
const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? "").split(",") : undefined

const names = readdirSync(here)
  .map((file) => /^adapters-(.+)\.js$/.exec(file)?.[1])
  .filter((name) => name !== undefined && (!only || only.includes(name)))
  .sort()

const resultsUrl = new URL("results/adapters.json", here)
const results = existsSync(resultsUrl) ? JSON.parse(readFileSync(resultsUrl, "utf8")) : {}
for (const name of names) {
  log(`adapter ${name}`)
  const { run } = await import(new URL(`adapters-${name}.js`, here).href)
  const rows = await run({ quick })
  console.table(rows)
  results[name] = { quick, node: process.version, date: new Date().toISOString(), rows }
}
writeFileSync(resultsUrl, `${JSON.stringify(results, null, 2)}\n`)
