// `node bench/changesets.js [--quick]` (after `npm run build`): plan changeset workloads, written
// to bench/results/changesets.json. Rows: { workload, backend, unit, agentstore, raw, ratio, reps,
// baseline }; unit ms (median), ratio = raw / agentstore (1 = as fast as the baseline).
import { execFileSync } from "node:child_process"
import {
  closeSync,
  cpSync,
  fsyncSync,
  mkdirSync,
  openSync,
  writeFileSync,
  writeSync,
} from "node:fs"
import { join } from "node:path"
import { log, median, printTable, round, tempDir, timed } from "./lib.js"
import { loadAgentstore } from "./sqlite-data.js"

const quick = process.argv.includes("--quick")
const REPS = quick ? 2 : 5
const lines = (i, edit) =>
  `${Array.from({ length: 40 }, (_, n) =>
    n === edit ? `edited line ${i}` : `file ${i} line ${n}: some code here`,
  ).join("\n")}\n`
const pathOf = (i) => `src/m${i % 20}/file-${i}.ts`

function row(workload, unit, agentMs, rawMs, baseline) {
  const agentstore = median(agentMs)
  const raw = median(rawMs)
  return {
    workload,
    backend: "sqlite",
    unit,
    agentstore: round(agentstore),
    raw: round(raw),
    ratio: round(raw / agentstore),
    reps: agentMs.length,
    baseline,
  }
}

function modifyChanges(n, seed) {
  return Array.from({ length: n }, (_, i) => ({
    path: pathOf(i),
    op: "modify",
    before: lines(i, -1),
    after: lines(i, (i + seed) % 40),
  }))
}

async function readyPlan(store, changes) {
  const plan = await store.plans.create({ title: "bench" })
  for (let i = 0; i < changes.length; i += 500)
    await store.plans.record(plan.id, changes.slice(i, i + 500))
  await store.plans.markReady(plan.id)
  return plan.id
}

async function recordBatch(lib, dir) {
  const store = await lib.openStore(join(dir, "record"))
  const agent = []
  const raw = []
  for (let r = 0; r < REPS * 2; r++) {
    const changes = modifyChanges(100, r + 1)
    const plan = await store.plans.create({ title: "bench" })
    agent.push(await timed(() => store.plans.record(plan.id, changes)))
    const plain = join(dir, `raw-record-${r}`)
    mkdirSync(plain)
    raw.push(
      await timed(() => {
        changes.forEach((c, i) => {
          for (const [side, text] of [
            ["b", c.before],
            ["a", c.after],
          ]) {
            const fd = openSync(join(plain, `${i}.${side}`), "w")
            writeSync(fd, text)
            fsyncSync(fd)
            closeSync(fd)
          }
        })
      }),
    )
  }
  await store.close()
  return row(
    "record 100 changes (1 batch)",
    "ms",
    agent,
    raw,
    "fs: write + fsync each of the 200 before/after contents to its own file",
  )
}

function writeTrees(dir, n) {
  for (const [name, edit] of [
    ["before", -1],
    ["after", 7],
  ]) {
    for (let i = 0; i < n; i++) {
      mkdirSync(join(dir, name, `src/m${i % 20}`), { recursive: true })
      writeFileSync(join(dir, name, pathOf(i)), lines(i, edit === -1 ? -1 : (i + edit) % 40))
    }
  }
}

async function summarizeAndDiff(lib, dir) {
  const store = await lib.openStore(join(dir, "diff"))
  const planId = await readyPlan(store, modifyChanges(1000, 7))
  writeTrees(join(dir, "trees"), 1000)
  const git = (args) => () => {
    try {
      execFileSync("git", ["diff", "--no-index", ...args, "before", "after"], {
        cwd: join(dir, "trees"),
        maxBuffer: 1 << 28,
      })
    } catch (error) {
      if (error.status !== 1) throw error
    }
  }
  const rows = []
  for (const [workload, run, args] of [
    ["summarize plan of 1,000 changes", () => store.plans.summarize(planId), ["--numstat"]],
    ["unified diff of 1,000 changes", () => store.plans.diff(planId), []],
    [
      "structured diff of 1,000 changes",
      () => store.plans.diff(planId, { format: "structured" }),
      [],
    ],
  ]) {
    const agent = []
    const raw = []
    for (let r = 0; r < REPS; r++) {
      agent.push(await timed(run))
      raw.push(await timed(git(args)))
    }
    rows.push(
      row(
        workload,
        "ms",
        agent,
        raw,
        `git diff --no-index ${args.join(" ")} of the two trees (a process)`.replace("  ", " "),
      ),
    )
  }
  await store.close()
  return rows
}

async function applyFiles(lib, dir) {
  const store = await lib.openStore(join(dir, "apply"))
  const agent = []
  const raw = []
  const changes = modifyChanges(1000, 3)
  for (let r = 0; r < REPS; r++) {
    const ws = join(dir, `ws-${r}`)
    cpSync(join(dir, "trees", "before"), ws, { recursive: true })
    const planId = await readyPlan(store, changes)
    agent.push(await timed(() => store.plans.apply(planId, ws)))
    const plain = join(dir, `raw-${r}`)
    cpSync(join(dir, "trees", "before"), plain, { recursive: true })
    raw.push(
      await timed(() => {
        for (const c of changes) {
          const fd = openSync(join(plain, c.path), "w")
          writeSync(fd, c.after)
          fsyncSync(fd)
          closeSync(fd)
        }
      }),
    )
  }
  await store.close()
  return row(
    "apply 1,000 files",
    "ms",
    agent,
    raw,
    "fs: open, write, fsync, close per file (no base check, no atomic rename, no journal)",
  )
}

const lib = await loadAgentstore()
const { dir, remove } = tempDir("agentstore-bench-changesets-")
try {
  const rows = []
  log("changesets record")
  rows.push(await recordBatch(lib, dir))
  log("changesets summarize/diff")
  rows.push(...(await summarizeAndDiff(lib, dir)))
  log("changesets apply")
  rows.push(await applyFiles(lib, dir))
  const file = new URL(`./results/changesets${quick ? ".partial" : ""}.json`, import.meta.url)
  writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`)
  printTable(rows)
  log(`wrote ${file.pathname}`)
} finally {
  remove()
}
