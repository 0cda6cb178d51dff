// The SQLite workloads: agentstore and hand-written better-sqlite3 side by side in one process.
import { join } from "node:path"
import { latencyRow, log, median, now, percentile, round, throughputRow } from "./lib.js"
import {
  createFile,
  eventInput,
  KINDS,
  messageInput,
  populateEvents,
  populateMessages,
} from "./sqlite-data.js"
import { openRaw, rawOps } from "./sqlite-raw.js"

const BACKEND = "sqlite"

/** Workload sizes for a full run and for `--quick`. */
export function sqliteConfig(quick) {
  const full = {
    reps: 3,
    appends: 20_000,
    batched: 20_000,
    scales: [10_000, 100_000, 1_000_000],
    samples: 500,
    sessions: 1_000,
    events: 100_000,
    listPasses: 5,
    rssMessages: 100_000,
  }
  if (!quick) return full
  return {
    ...full,
    appends: 3_000,
    batched: 6_000,
    scales: [10_000, 50_000],
    samples: 200,
    sessions: 500,
    events: 30_000,
    listPasses: 3,
    rssMessages: 50_000,
  }
}

/** Opens both sides on fresh files (migrated by agentstore, one session each), runs, closes. */
async function withFreshPair(lib, dir, tag, fn) {
  const agentPath = join(dir, `${tag}-a.db`)
  const rawPath = join(dir, `${tag}-r.db`)
  const agentSession = await createFile(lib, agentPath)
  const rawSession = await createFile(lib, rawPath)
  const store = await lib.openStore(`sqlite:${agentPath}`)
  const db = openRaw(rawPath)
  try {
    return await fn({ store, sessionId: agentSession }, { ops: rawOps(db), sessionId: rawSession })
  } finally {
    await store.close()
    db.close()
  }
}

/**
 * Runs a write workload `reps` times per side. Within a repetition the two sides take turns
 * in slices of `slice` operations, so noise from other work on the machine hits both alike.
 * `agentRun(side, from, to)` and `rawRun(side, from, to)` do operations [from, to).
 */
async function compareWrites(lib, dir, name, cfg, total, slice, agentRun, rawRun) {
  const agentMs = []
  const rawMs = []
  for (let rep = 0; rep < cfg.reps; rep++) {
    await withFreshPair(lib, dir, `${name}-${rep}`, async (a, r) => {
      let aMs = 0
      let rMs = 0
      for (let from = 0, turn = rep; from < total; from += slice, turn++) {
        const to = Math.min(total, from + slice)
        const sides = [
          async () => {
            aMs += await measure(() => agentRun(a, from, to))
          },
          async () => {
            rMs += await measure(() => rawRun(r, from, to))
          },
        ]
        if (turn % 2) sides.reverse()
        for (const side of sides) await side()
      }
      agentMs.push(aMs)
      rawMs.push(rMs)
    })
  }
  return { agentMs, rawMs }
}

async function measure(fn) {
  const start = now()
  await fn()
  return now() - start
}

function batch(from, to, make) {
  return Array.from({ length: to - from }, (_, j) => make(from + j))
}

async function w1(lib, dir, cfg) {
  const n = cfg.appends
  const { agentMs, rawMs } = await compareWrites(
    lib,
    dir,
    "w1",
    cfg,
    n,
    500,
    async ({ store, sessionId }, from, to) => {
      for (let i = from; i < to; i++) await store.messages.append(sessionId, messageInput(i))
    },
    ({ ops, sessionId }, from, to) => {
      for (let i = from; i < to; i++) ops.append(sessionId, [messageInput(i)])
    },
  )
  return [throughputRow(`W1 single message appends (${n})`, BACKEND, n, agentMs, rawMs)]
}

async function w2(lib, dir, cfg) {
  const n = cfg.batched
  const { agentMs, rawMs } = await compareWrites(
    lib,
    dir,
    "w2",
    cfg,
    n / 100,
    5,
    async ({ store, sessionId }, from, to) => {
      for (let b = from; b < to; b++) {
        await store.messages.appendMany(sessionId, batch(b * 100, b * 100 + 100, messageInput))
      }
    },
    ({ ops, sessionId }, from, to) => {
      for (let b = from; b < to; b++)
        ops.append(sessionId, batch(b * 100, b * 100 + 100, messageInput))
    },
  )
  return [throughputRow(`W2 message appends in batches of 100 (${n})`, BACKEND, n, agentMs, rawMs)]
}

async function e1(lib, dir, cfg) {
  const n = cfg.appends
  const { agentMs, rawMs } = await compareWrites(
    lib,
    dir,
    "e1",
    cfg,
    n,
    500,
    async ({ store, sessionId }, from, to) => {
      for (let i = from; i < to; i++) await store.events.append(eventInput(i, sessionId))
    },
    ({ ops, sessionId }, from, to) => {
      for (let i = from; i < to; i++) ops.appendEvent(eventInput(i, sessionId))
    },
  )
  return [throughputRow(`E1 single event appends (${n})`, BACKEND, n, agentMs, rawMs)]
}

async function e2(lib, dir, cfg) {
  const n = cfg.batched
  const { agentMs, rawMs } = await compareWrites(
    lib,
    dir,
    "e2",
    cfg,
    n / 100,
    5,
    async ({ store, sessionId }, from, to) => {
      for (let b = from; b < to; b++) {
        await store.events.appendMany(
          batch(b * 100, b * 100 + 100, (i) => eventInput(i, sessionId)),
        )
      }
    },
    ({ ops, sessionId }, from, to) => {
      for (let b = from; b < to; b++) {
        ops.appendEvents(batch(b * 100, b * 100 + 100, (i) => eventInput(i, sessionId)))
      }
    },
  )
  return [throughputRow(`E2 event appends in batches of 100 (${n})`, BACKEND, n, agentMs, rawMs)]
}

/** Measures read latencies on one shared file: per rep, p50 and p99 of each side. */
async function compareReads(lib, path, reps, samples, agentQuery, rawQuery) {
  const store = await lib.openStore(`sqlite:${path}`)
  const db = openRaw(path)
  const ops = rawOps(db)
  const stats = { a50: [], a99: [], r50: [], r99: [] }
  try {
    for (let i = 0; i < 20; i++) {
      await agentQuery(store, samples[i % samples.length])
      rawQuery(ops, samples[i % samples.length])
    }
    for (let rep = 0; rep < reps; rep++) {
      const a = []
      const r = []
      for (let i = 0; i < samples.length; i++) {
        const sides = [
          async () => a.push(await measure(() => agentQuery(store, samples[i]))),
          async () => r.push(await measure(() => rawQuery(ops, samples[i]))),
        ]
        if (i % 2) sides.reverse()
        for (const side of sides) await side()
      }
      stats.a50.push(percentile(a, 50))
      stats.a99.push(percentile(a, 99))
      stats.r50.push(percentile(r, 50))
      stats.r99.push(percentile(r, 99))
    }
  } finally {
    await store.close()
    db.close()
  }
  return stats
}

function latencyRows(name, stats, extra = {}) {
  return [
    latencyRow(name, BACKEND, "ms p50", stats.a50, stats.r50, extra),
    latencyRow(name, BACKEND, "ms p99", stats.a99, stats.r99, extra),
  ]
}

function label(n) {
  return n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`
}

async function w3(lib, dir, cfg) {
  const rows = []
  const bySize = new Map()
  for (const n of cfg.scales) {
    log(`W3: filling a session with ${n} messages`)
    const { path, sessionId } = await populateMessages(lib, dir, n)
    const middle = Array.from({ length: cfg.samples }, (_, i) =>
      Math.floor(n * 0.4 + ((i * 7919) % Math.floor(n * 0.2))),
    )
    const latest = await compareReads(
      lib,
      path,
      cfg.reps,
      Array.from({ length: cfg.samples }, () => 0),
      (store) => store.messages.list(sessionId, { latest: 50 }),
      (ops) => ops.latestMessages(sessionId, 50),
    )
    const page = await compareReads(
      lib,
      path,
      cfg.reps,
      middle,
      (store, after) => store.messages.list(sessionId, { after, limit: 50 }),
      (ops, after) => ops.messagesAfter(sessionId, after, 50),
    )
    bySize.set(n, { latest, page })
    rows.push(...latencyRows(`W3 latest 50 of ${label(n)}`, latest, { messages: n }))
    rows.push(...latencyRows(`W3 middle page of 50 by cursor, ${label(n)}`, page, { messages: n }))
  }
  const small = bySize.get(cfg.scales[0])
  for (const row of rows) {
    const stats = bySize.get(row.messages)
    const kind = row.workload.includes("latest") ? "latest" : "page"
    const [a, r] = row.unit === "ms p50" ? ["a50", "r50"] : ["a99", "r99"]
    row.vsSmallest = round(median(stats[kind][a]) / median(small[kind][a]))
    row.rawVsSmallest = round(median(stats[kind][r]) / median(small[kind][r]))
  }
  return rows
}

async function e3(lib, dir, cfg) {
  log(`E3: filling ${cfg.events} events`)
  const { path } = await populateEvents(lib, dir, cfg.events)
  const perKind = cfg.events / KINDS.length
  const samples = Array.from({ length: cfg.samples }, (_, i) =>
    Math.floor(cfg.events * 0.1 + ((i * 7919) % Math.floor(cfg.events * 0.8))),
  )
  const stats = await compareReads(
    lib,
    path,
    cfg.reps,
    samples,
    (store, after) =>
      store.events.query({ kinds: ["tool.result"], after: String(after), limit: 50 }),
    (ops, after) => ops.eventsByKind("tool.result", after, 50),
  )
  return latencyRows(`E3 query by kind + cursor page of 50 over ${label(cfg.events)}`, stats, {
    events: cfg.events,
    perKind,
  })
}

async function w4(lib, dir, cfg) {
  const n = cfg.sessions
  const { agentMs, rawMs } = await compareWrites(
    lib,
    dir,
    "w4",
    cfg,
    n,
    100,
    async ({ store }, from, to) => {
      for (let i = from; i < to; i++) {
        await store.sessions.create({ agent: `agent-${i % 10}`, title: `Session ${i}` })
      }
    },
    ({ ops }, from, to) => {
      for (let i = from; i < to; i++) ops.createSession(`agent-${i % 10}`, `Session ${i}`)
    },
  )
  const immediate = await compareWrites(
    lib,
    dir,
    "w4i",
    cfg,
    n,
    100,
    async ({ store }, from, to) => {
      for (let i = from; i < to; i++) {
        await store.sessions.create({ agent: `agent-${i % 10}`, title: `Session ${i}` })
      }
    },
    ({ ops }, from, to) => {
      for (let i = from; i < to; i++) ops.createSessionImmediate(`agent-${i % 10}`, `Session ${i}`)
    },
  )
  const vsImmediate = throughputRow("", BACKEND, n, immediate.agentMs, immediate.rawMs)
  const lists = await w4Lists(lib, dir, cfg, n)
  return [
    throughputRow(`W4 session creates (${n})`, BACKEND, n, agentMs, rawMs, {
      rawInBeginImmediate: vsImmediate.raw,
      ratioVsRawInBeginImmediate: vsImmediate.ratio,
    }),
    ...lists,
  ]
}

/** The session listing orders W4 pages through, newest first: [label, store query, raw column, agent]. */
const W4_ORDERS = [
  ["", {}, "created_at", undefined],
  [" by updatedAt", { orderBy: "updatedAt" }, "updated_at", undefined],
  [
    " of one agent by updatedAt",
    { orderBy: "updatedAt", agent: "agent-3" },
    "updated_at",
    "agent-3",
  ],
]

/** Pages of 50 through `n` sessions in every W4 order, both sides taking turns page by page. */
async function w4Lists(lib, dir, cfg, n) {
  const stats = W4_ORDERS.map(() => ({ a50: [], a99: [], r50: [], r99: [] }))
  for (let rep = 0; rep < cfg.reps; rep++) {
    await withFreshPair(lib, dir, `w4-list-${rep}`, async ({ store }, { ops }) => {
      for (let i = 0; i < n; i++) {
        await store.sessions.create({ agent: `agent-${i % 10}`, title: `Session ${i}` })
        ops.createSession(`agent-${i % 10}`, `Session ${i}`)
      }
      for (const [k, [, query, column, agent]] of W4_ORDERS.entries()) {
        const a = []
        const r = []
        for (let pass = 0; pass < cfg.listPasses; pass++) {
          let cursor
          let position
          let page = 0
          do {
            const sides = [
              async () => {
                const start = now()
                const result = await store.sessions.list({ ...query, limit: 50, cursor })
                a.push(now() - start)
                cursor = result.nextCursor
              },
              () => {
                const start = now()
                position = ops.listSessions(50, position, column, agent).next
                r.push(now() - start)
              },
            ]
            if (page++ % 2) sides.reverse()
            for (const side of sides) await side()
          } while (cursor || position)
        }
        const s = stats[k]
        s.a50.push(percentile(a, 50))
        s.a99.push(percentile(a, 99))
        s.r50.push(percentile(r, 50))
        s.r99.push(percentile(r, 99))
      }
    })
  }
  return W4_ORDERS.flatMap(([label], k) =>
    latencyRows(`W4 session list page of 50${label} (of ${n + 1})`, stats[k]),
  )
}

/** Every in-process SQLite workload, in order. */
export const SQLITE_WORKLOADS = { w1, w2, w3, w4, e1, e2, e3 }
