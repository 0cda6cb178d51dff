// OpenAI Agents SDK: agentstore's Session against the SDK's own MemorySession, same run,
// interleaved. Workloads over a 10,000-item history: build it with addItems in turns of 4
// items (what the runner writes per tool turn), read it whole with getItems(), read the
// newest 50 with getItems(50). Ratio = MemorySession time / agentstore time (1.0 = as fast).
import { randomBytes } from "node:crypto"
import { join } from "node:path"
import { log, median, round, tempDir } from "./lib.js"
import { postgresReachable, postgresUrl } from "./postgres.js"

const HISTORY = 10_000
const TURN = 4

function turnItems(t) {
  return [
    { type: "message", role: "user", content: `question ${t}` },
    {
      type: "function_call",
      name: "lookup",
      callId: `call_${t}`,
      status: "completed",
      arguments: `{"q":${t}}`,
    },
    {
      type: "function_call_result",
      name: "lookup",
      callId: `call_${t}`,
      status: "completed",
      output: { type: "text", text: `result ${t}` },
    },
    {
      type: "message",
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: `answer ${t}` }],
    },
  ]
}

async function timeIt(fn) {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

async function fill(session, items) {
  for (let t = 0; t < items / TURN; t++) await session.addItems(turnItems(t))
}

/** One side's timings: a fill, then `reads` whole reads and `reads` latest-50 reads. */
async function measure(session, reads) {
  const add = await timeIt(() => fill(session, HISTORY))
  const all = []
  const latest = []
  for (let i = 0; i < reads; i++) {
    all.push(await timeIt(() => session.getItems()))
    latest.push(await timeIt(() => session.getItems(50)))
  }
  const count = (await session.getItems()).length
  if (count !== HISTORY) throw new Error(`expected ${HISTORY} items, read ${count}`)
  return { add, all: median(all), latest: median(latest) }
}

function rows(backend, ours, theirs) {
  const row = (workload, unit, a, m) => ({
    workload,
    backend,
    unit,
    agentstore: round(a),
    memorySession: round(m),
    ratio: round(m / a),
  })
  return [
    row(
      "addItems ×2,500 (4 items each)",
      "ms total",
      median(ours.map((r) => r.add)),
      median(theirs.map((r) => r.add)),
    ),
    row(
      "getItems() of 10k, p50",
      "ms",
      median(ours.map((r) => r.all)),
      median(theirs.map((r) => r.all)),
    ),
    row(
      "getItems(50) of 10k, p50",
      "ms",
      median(ours.map((r) => r.latest)),
      median(theirs.map((r) => r.latest)),
    ),
  ]
}

async function openTargets(lib) {
  const { dir, remove } = tempDir("agentstore-bench-oai-")
  const targets = [
    {
      name: "sqlite",
      url: () => `sqlite:${join(dir, `oai-${randomBytes(4).toString("hex")}.db`)}`,
    },
  ]
  const pg = postgresUrl()
  if (await postgresReachable(pg)) {
    targets.push({
      name: "postgres",
      url: () => {
        const url = new URL(pg)
        url.searchParams.set("schema", `bench_oai_${randomBytes(4).toString("hex")}`)
        return url.toString()
      },
    })
  } else log("openai-agents: PostgreSQL unreachable, SQLite only")
  return { targets, remove, lib }
}

/** Runs the workloads on SQLite and (when reachable) PostgreSQL; returns result rows. */
export async function run({ quick }) {
  const lib = await import(new URL("../dist/index.js", import.meta.url).href)
  const { createOpenAIAgentsSession } = await import(
    new URL("../dist/adapters/openai-agents/index.js", import.meta.url).href
  )
  const { MemorySession } = await import("@openai/agents-core")
  const reps = quick ? 1 : 3
  const reads = quick ? 5 : 15
  const { targets, remove } = await openTargets(lib)
  const out = []
  try {
    for (const target of targets) {
      const ours = []
      const theirs = []
      for (let rep = 0; rep < reps; rep++) {
        log(`openai-agents ${target.name} rep ${rep + 1}/${reps}`)
        const url = target.url()
        const store = await lib.openStore(url)
        try {
          ours.push(await measure(createOpenAIAgentsSession(store), reads))
        } finally {
          await dropAndClose(store, url)
        }
        theirs.push(await measure(new MemorySession(), reads))
      }
      out.push(...rows(target.name, ours, theirs))
    }
  } finally {
    remove()
  }
  return out
}

async function dropAndClose(store, url) {
  const schema = url.startsWith("postgres") ? new URL(url).searchParams.get("schema") : null
  if (schema)
    await store.backend.pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {})
  await store.close()
}
