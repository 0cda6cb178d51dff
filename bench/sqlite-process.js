// Workloads that need their own processes: W5 (fresh-process start) and peak RSS of W1–W4.
import { spawnSync } from "node:child_process"
import { createRequire } from "node:module"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { log, median, now, round } from "./lib.js"
import { createFile, messageInput } from "./sqlite-data.js"

const ROOT = fileURLToPath(new URL("..", import.meta.url))
/** The built library, as an import URL. */
export const DIST = new URL("../dist/index.js", import.meta.url).href
const BETTER_SQLITE3 = pathToFileURL(createRequire(import.meta.url).resolve("better-sqlite3")).href

/**
 * Spawns `node args`; returns wall milliseconds and what the child printed: `inside` (ms from
 * before the import to after close) and `cpu` (the child's user + system CPU ms).
 */
function spawnMs(args) {
  const start = now()
  const child = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" })
  const ms = now() - start
  if (child.status !== 0) throw new Error(`child failed: ${args.join(" ")}\n${child.stderr}`)
  return { ms, ...JSON.parse(child.stdout) }
}

/** Child-side code printing `{ inside, cpu }`; expects `t` = performance.now() at the start. */
export const REPORT =
  "const u = process.resourceUsage(); process.stdout.write(JSON.stringify({ inside: performance.now() - t, cpu: (u.userCPUTime + u.systemCPUTime) / 1000 }))"

/** W5: a fresh process imports the library and opens an existing store, against a bare `node -e`. */
export async function w5(lib, dir, cfg) {
  const storeDir = join(dir, "w5-store")
  const store = await lib.openStore(storeDir)
  const session = await store.sessions.create({ agent: "planner" })
  await store.messages.appendMany(session.id, [messageInput(1), messageInput(2)])
  await store.close()
  const dbPath = join(storeDir, "store.db")
  const agent = `const t = performance.now(); const m = await import(${JSON.stringify(DIST)});
    const s = await m.openStore(${JSON.stringify(storeDir)}); await s.close(); ${REPORT}`
  const raw = `const t = performance.now(); const { default: Database } = await import(${JSON.stringify(BETTER_SQLITE3)});
    const db = new Database(${JSON.stringify(dbPath)});
    db.pragma("journal_mode = WAL"); db.pragma("synchronous = NORMAL"); db.pragma("foreign_keys = ON");
    db.prepare("SELECT MAX(version) AS v FROM agentstore_migrations").get(); db.close(); ${REPORT}`
  return [startupRow("sqlite", cfg.reps * (cfg.samples >= 500 ? 5 : 3), agent, raw)]
}

/**
 * Spawns `runs` rounds of three fresh processes: a bare node, the library opening a store,
 * raw driver code opening the same store. Wall time is the target's measure; time inside the
 * process and CPU time are reported too, being less disturbed by other work on the machine.
 */
export function startupRow(backend, runs, agentScript, rawScript) {
  const times = {
    node: [],
    agent: [],
    raw: [],
    agentInside: [],
    rawInside: [],
    nodeCpu: [],
    agentCpu: [],
    rawCpu: [],
  }
  for (let i = 0; i < runs; i++) {
    const n = spawnMs(["-e", `const t = performance.now(); ${REPORT}`])
    times.node.push(n.ms)
    times.nodeCpu.push(n.cpu)
    const a = spawnMs(["--input-type=module", "-e", agentScript])
    times.agent.push(a.ms)
    times.agentInside.push(a.inside)
    times.agentCpu.push(a.cpu)
    const r = spawnMs(["--input-type=module", "-e", rawScript])
    times.raw.push(r.ms)
    times.rawInside.push(r.inside)
    times.rawCpu.push(r.cpu)
  }
  const node = median(times.node)
  const a = median(times.agent)
  const r = median(times.raw)
  return {
    workload: "W5 fresh process: import + open existing store",
    backend,
    unit: "ms",
    agentstore: round(a),
    raw: round(r),
    ratio: round(r / a),
    nodeStartMs: round(node),
    beyondNodeMs: round(a - node),
    rawBeyondNodeMs: round(r - node),
    importOpenInsideMs: round(median(times.agentInside)),
    rawImportOpenInsideMs: round(median(times.rawInside)),
    beyondNodeCpuMs: round(median(times.agentCpu) - median(times.nodeCpu)),
    rawBeyondNodeCpuMs: round(median(times.rawCpu) - median(times.nodeCpu)),
    target: "beyond node <= 40 ms",
    met: a - node <= 40,
    reps: runs,
  }
}

/** Peak RSS of a child process that runs W1–W4 with one side only. */
export async function rss(dir, cfg, w3File) {
  const rows = {}
  for (const side of ["agentstore", "raw"]) {
    const args = [
      fileURLToPath(new URL("./rss-child.js", import.meta.url)),
      side,
      join(dir, `rss-${side}`),
      w3File.path,
      w3File.sessionId,
      String(cfg.appends),
    ]
    const child = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" })
    if (child.status !== 0) throw new Error(`rss child failed: ${child.stderr}`)
    rows[side] = JSON.parse(child.stdout).maxRssMb
    log(`peak RSS W1–W4 (${side}): ${rows[side]} MB`)
  }
  return [
    {
      workload: "Peak RSS of W1–W4 (one process)",
      backend: "sqlite",
      unit: "MB",
      agentstore: rows.agentstore,
      raw: rows.raw,
      ratio: round(rows.raw / rows.agentstore),
      target: "agentstore <= 200 MB",
      met: rows.agentstore <= 200,
      reps: 1,
    },
  ]
}

export { createFile }
