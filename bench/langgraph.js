// LangGraph checkpointers on the same backend, same run: agentstore/langgraph's AgentStoreSaver
// against LangGraph's official SqliteSaver / PostgresSaver. Ratios: agentstore ÷ official for
// throughput, official ÷ agentstore for latency (higher is better, 1.0 = the official speed).
import { join } from "node:path"
import { uuid6 } from "@langchain/langgraph-checkpoint"
import { latencies, latencyRow, log, median, throughputRow, timed } from "./lib.js"

const text = (i, k) => `message ${k} of step ${i}: ${"lorem ipsum dolor sit amet ".repeat(3)}`

/** Checkpoint `i` of a chat-like thread: a counter and the last 20 messages change each step. */
function step(i) {
  const messages = Array.from({ length: Math.min(20, i + 1) }, (_, k) => text(i, k))
  const checkpoint = {
    v: 4,
    id: uuid6(-1),
    ts: new Date().toISOString(),
    channel_values: { counter: i, messages, node: "agent" },
    channel_versions: { counter: i + 1, messages: i + 1, node: 1 },
    versions_seen: { agent: { counter: i } },
  }
  const newVersions = i === 0 ? checkpoint.channel_versions : { counter: i + 1, messages: i + 1 }
  return { checkpoint, newVersions, metadata: { source: "loop", step: i, parents: {} } }
}

/** Puts `n` checkpoints (each with one pending write) on a new thread; returns timings and ids. */
async function fill(saver, thread, n) {
  let config = { configurable: { thread_id: thread, checkpoint_ns: "" } }
  const ids = []
  const put = []
  for (let i = 0; i < n; i++) {
    const { checkpoint, newVersions, metadata } = step(i)
    put.push(
      await timed(async () => {
        config = await saver.put(config, checkpoint, metadata, newVersions)
      }),
    )
    await saver.putWrites(config, [["messages", [text(i, "w")]]], `task-${i}`)
    ids.push(checkpoint.id)
  }
  return { ids, putMs: put.reduce((a, b) => a + b, 0) }
}

async function listAll(saver, config, options) {
  let count = 0
  for await (const _ of saver.list(config, options)) count++
  return count
}

/** One side's measurements over one fresh `n`-checkpoint thread. */
async function measure(saver, thread, n, samples) {
  const { ids, putMs } = await fill(saver, thread, n)
  const config = { configurable: { thread_id: thread, checkpoint_ns: "" } }
  const pick = Array.from({ length: samples }, (_, i) => ids[(i * 7919) % ids.length])
  const latest = await latencies(pick, () => saver.getTuple(config))
  const byId = await latencies(pick, (id) =>
    saver.getTuple({ configurable: { ...config.configurable, checkpoint_id: id } }),
  )
  const page = await latencies(pick.slice(0, 50), (id) =>
    listAll(saver, config, { limit: 10, before: { configurable: { checkpoint_id: id } } }),
  )
  let listed = 0
  const full = await timed(async () => {
    listed = await listAll(saver, config)
  })
  if (listed !== n) throw new Error(`list returned ${listed} of ${n} checkpoints`)
  return { putMs, latest: median(latest), byId: median(byId), page: median(page), full }
}

/** Opens both savers on one backend: `{ ours, official, close }`. */
async function openSavers(backend, dir, pgUrl, lib) {
  const { AgentStoreSaver } = await import("../dist/adapters/langgraph/index.js")
  if (backend === "sqlite") {
    const { SqliteSaver } = await import("@langchain/langgraph-checkpoint-sqlite")
    const Database = (await import("better-sqlite3")).default
    const store = await lib.openStore(join(dir, "agentstore"))
    const db = new Database(join(dir, "official.db"))
    db.pragma("journal_mode = WAL")
    db.pragma("synchronous = NORMAL") // agentstore's default durability
    const close = async () => {
      await store.close()
      db.close()
    }
    return { ours: new AgentStoreSaver(store), official: new SqliteSaver(db), close }
  }
  const { PostgresSaver } = await import("@langchain/langgraph-checkpoint-postgres")
  const schema = `bench_lg_${process.pid}`
  const url = new URL(pgUrl)
  url.searchParams.set("schema", `${schema}_a`)
  const store = await lib.openStore(url.toString())
  const official = PostgresSaver.fromConnString(pgUrl, { schema: `${schema}_o` })
  await official.setup()
  const close = async () => {
    const pool = new (await import("pg")).default.Pool({ connectionString: pgUrl, max: 1 })
    await store.close()
    await official.end()
    await pool.query(
      `DROP SCHEMA IF EXISTS ${schema}_a CASCADE; DROP SCHEMA IF EXISTS ${schema}_o CASCADE`,
    )
    await pool.end()
  }
  return { ours: new AgentStoreSaver(store), official, close }
}

/**
 * Runs the LangGraph rows on one backend: `reps` repetitions, sides alternating which goes
 * first, each on a fresh `n`-checkpoint thread.
 */
export async function runLanggraph(lib, backend, { dir, pgUrl, n, reps, samples }) {
  const savers = await openSavers(backend, dir, pgUrl, lib)
  const runs = { ours: [], official: [] }
  try {
    for (let r = 0; r < reps; r++) {
      const order = r % 2 === 0 ? ["ours", "official"] : ["official", "ours"]
      for (const side of order) {
        log(`${backend} langgraph rep ${r + 1}/${reps}: ${side}`)
        runs[side].push(await measure(savers[side], `bench-${side}-${r}-${Date.now()}`, n, samples))
      }
    }
  } finally {
    await savers.close()
  }
  const pick = (side, key) => runs[side].map((run) => run[key])
  const extra = { official: backend === "sqlite" ? "SqliteSaver" : "PostgresSaver", checkpoints: n }
  return [
    throughputRow(
      "LG1 put, 1,000-checkpoint thread",
      backend,
      n,
      pick("ours", "putMs"),
      pick("official", "putMs"),
      extra,
    ),
    latencyRow(
      "LG2 getTuple latest, p50",
      backend,
      "ms",
      pick("ours", "latest"),
      pick("official", "latest"),
      extra,
    ),
    latencyRow(
      "LG3 getTuple by id, p50",
      backend,
      "ms",
      pick("ours", "byId"),
      pick("official", "byId"),
      extra,
    ),
    latencyRow(
      "LG4 list limit 10 before, p50",
      backend,
      "ms",
      pick("ours", "page"),
      pick("official", "page"),
      extra,
    ),
    latencyRow(
      "LG5 list whole thread",
      backend,
      "ms",
      pick("ours", "full"),
      pick("official", "full"),
      extra,
    ),
  ]
}
