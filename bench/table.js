// `node bench/table.js [results.json ...]`: prints result files as Markdown tables (for README).
import { readFileSync } from "node:fs"

const files = process.argv.slice(2)
for (const file of files.length > 0 ? files : ["bench/results/sqlite.json"]) {
  const rows = JSON.parse(readFileSync(file, "utf8"))
  process.stdout.write(`\n| workload | unit | agentstore | raw | ratio | target met |\n`)
  process.stdout.write("| --- | --- | ---: | ---: | ---: | --- |\n")
  for (const r of rows) {
    const met = r.met === undefined ? "" : r.met ? "yes" : "**no**"
    process.stdout.write(
      `| ${r.workload} | ${r.unit} | ${r.agentstore} | ${r.raw} | ${r.ratio} | ${met} |\n`,
    )
  }
}
