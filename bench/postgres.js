// The PostgreSQL workloads: agentstore and hand-written `pg` side by side in one process.
// Every run works in fresh schemas (agentstore's migrations create them) and drops them after.
import { createRequire } from "node:module"
import { pathToFileURL } from "node:url"
import { latencyRow, log, median, now, percentile, round, throughputRow } from "./lib.js"
import { openRawPool, rawPgOps } from "./postgres-raw.js"
import { eventInput, KINDS, messageInput } from "./sqlite-data.js"
import { DIST, REPORT, startupRow } from "./sqlite-process.js"
import { rawId } from "./sqlite-raw.js"

const PG = pathToFileURL(createRequire(import.meta.url).resolve("pg")).href

const BACKEND = "postgres"

/** Workload sizes for a full run and for `--quick`. */
export function postgresConfig(quick) {
  const full = {
    reps: 3,
    appends: 5_000,
    batched: 20_000,
    scales: [10_000, 100_000, 1_000_000],
    samples: 300,
    sessions: 1_000,
    events: 100_000,
    listPasses: 3,
    writers: 8,
    concurrentAppends: 8_000,
    startups: 15,
  }
  if (!quick) return full
  return {
    ...full,
    appends: 200,
    batched: 1_000,
    scales: [10_000],
    samples: 60,
    sessions: 100,
    events: 5_000,
    listPasses: 2,
    concurrentAppends: 400,
    startups: 4,
  }
}

/** The database URL: AGENTSTORE_BENCH_PG_URL, else AGENTSTORE_TEST_PG_URL, else the local test database. */
export function postgresUrl(env = process.env) {
  return (
    env.AGENTSTORE_BENCH_PG_URL ||
    env.AGENTSTORE_TEST_PG_URL ||
    "postgres://postgres@127.0.0.1:5432/test"
  )
}

/** True when the server answers. */
export async function postgresReachable(url) {
  const pool = openRawPool(url, 1)
  try {
    await pool.query("SELECT 1")
    return true
  } catch {
    return false
  } finally {
    await pool.end()
  }
}

let schemaCounter = 0

/** A fresh schema migrated by agentstore, an open store on it, and a function that drops it. */
async function freshStore(lib, url, admin) {
  const schema = `bench_${process.pid}_${schemaCounter++}`
  const sep = url.includes("?") ? "&" : "?"
  const store = await lib.openStore(`${url}${sep}schema=${schema}`)
  const session = await store.sessions.create({ agent: "planner", title: "bench" })
  const drop = async () => {
    await store.close()
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  }
  return { store, schema, sessionId: session.id, drop }
}

/** Two fresh schemas: one used through agentstore, one through raw `pg`. */
async function withFreshPair(ctx, fn) {
  const a = await freshStore(ctx.lib, ctx.url, ctx.admin)
  const r = await freshStore(ctx.lib, ctx.url, ctx.admin)
  await r.store.close()
  try {
    return await fn(a, { ops: rawPgOps(ctx.raw, r.schema), sessionId: r.sessionId })
  } finally {
    await a.drop()
    await r.drop()
  }
}

async function measure(fn) {
  const start = now()
  await fn()
  return now() - start
}

/** Like the SQLite bench: the sides take turns in slices within each repetition. */
async function compareWrites(ctx, total, slice, agentRun, rawRun) {
  const agentMs = []
  const rawMs = []
  for (let rep = 0; rep < ctx.cfg.reps; rep++) {
    await withFreshPair(ctx, async (a, r) => {
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

function batch(from, to, make) {
  return Array.from({ length: to - from }, (_, j) => make(from + j))
}

async function w1(ctx) {
  const n = ctx.cfg.appends
  const { agentMs, rawMs } = await compareWrites(
    ctx,
    n,
    250,
    async ({ store, sessionId }, from, to) => {
      for (let i = from; i < to; i++) await store.messages.append(sessionId, messageInput(i))
    },
    async ({ ops, sessionId }, from, to) => {
      for (let i = from; i < to; i++) await ops.append(sessionId, [messageInput(i)])
    },
  )
  return [throughputRow(`W1 single message appends (${n})`, BACKEND, n, agentMs, rawMs)]
}

/** W1 with a caller-supplied id on every message; the raw side inserts idempotently by id. */
async function w1ids(ctx) {
  const n = ctx.cfg.appends
  const { agentMs, rawMs } = await compareWrites(
    ctx,
    n,
    250,
    async ({ store, sessionId }, from, to) => {
      for (let i = from; i < to; i++) {
        await store.messages.append(sessionId, { id: rawId(), ...messageInput(i) })
      }
    },
    async ({ ops, sessionId }, from, to) => {
      for (let i = from; i < to; i++) {
        await ops.appendIds(sessionId, [{ id: rawId(), ...messageInput(i) }])
      }
    },
  )
  return [
    throughputRow(`W1 single message appends with caller ids (${n})`, BACKEND, n, agentMs, rawMs),
  ]
}

async function w2(ctx) {
  const n = ctx.cfg.batched
  const { agentMs, rawMs } = await compareWrites(
    ctx,
    n / 100,
    5,
    async ({ store, sessionId }, from, to) => {
      for (let b = from; b < to; b++) {
        await store.messages.appendMany(sessionId, batch(b * 100, b * 100 + 100, messageInput))
      }
    },
    async ({ ops, sessionId }, from, to) => {
      for (let b = from; b < to; b++) {
        await ops.append(sessionId, batch(b * 100, b * 100 + 100, messageInput))
      }
    },
  )
  return [throughputRow(`W2 message appends in batches of 100 (${n})`, BACKEND, n, agentMs, rawMs)]
}

async function e1(ctx) {
  const n = ctx.cfg.appends
  const { agentMs, rawMs } = await compareWrites(
    ctx,
    n,
    250,
    async ({ store, sessionId }, from, to) => {
      for (let i = from; i < to; i++) await store.events.append(eventInput(i, sessionId))
    },
    async ({ ops, sessionId }, from, to) => {
      for (let i = from; i < to; i++) await ops.appendEvents([eventInput(i, sessionId)])
    },
  )
  return [throughputRow(`E1 single event appends (${n})`, BACKEND, n, agentMs, rawMs)]
}

/** E1 with a caller-supplied id on every event; the raw side inserts idempotently by id. */
async function e1ids(ctx) {
  const n = ctx.cfg.appends
  const { agentMs, rawMs } = await compareWrites(
    ctx,
    n,
    250,
    async ({ store, sessionId }, from, to) => {
      for (let i = from; i < to; i++) {
        await store.events.append({ id: rawId(), ...eventInput(i, sessionId) })
      }
    },
    async ({ ops, sessionId }, from, to) => {
      for (let i = from; i < to; i++) {
        await ops.appendEventsIds([{ id: rawId(), ...eventInput(i, sessionId) }])
      }
    },
  )
  return [
    throughputRow(`E1 single event appends with caller ids (${n})`, BACKEND, n, agentMs, rawMs),
  ]
}

async function e2(ctx) {
  const n = ctx.cfg.batched
  const { agentMs, rawMs } = await compareWrites(
    ctx,
    n / 100,
    5,
    async ({ store, sessionId }, from, to) => {
      for (let b = from; b < to; b++) {
        await store.events.appendMany(
          batch(b * 100, b * 100 + 100, (i) => eventInput(i, sessionId)),
        )
      }
    },
    async ({ ops, sessionId }, from, to) => {
      for (let b = from; b < to; b++) {
        await ops.appendEvents(batch(b * 100, b * 100 + 100, (i) => eventInput(i, sessionId)))
      }
    },
  )
  return [throughputRow(`E2 event appends in batches of 100 (${n})`, BACKEND, n, agentMs, rawMs)]
}

/** C1: `writers` concurrent loops, each appending single messages to its own session. */
async function c1(ctx) {
  const { writers, concurrentAppends: total } = ctx.cfg
  const per = Math.floor(total / writers)
  const agentMs = []
  const rawMs = []
  for (let rep = 0; rep < ctx.cfg.reps; rep++) {
    await withFreshPair(ctx, async (a, r) => {
      const aSessions = await Promise.all(
        batch(0, writers, (w) => a.store.sessions.create({ agent: `writer-${w}` })),
      )
      const rSessions = []
      for (let w = 0; w < writers; w++)
        rSessions.push((await r.ops.createSession(`writer-${w}`, null)).id)
      const runAgent = () =>
        Promise.all(
          aSessions.map(async (s) => {
            for (let i = 0; i < per; i++) await a.store.messages.append(s.id, messageInput(i))
          }),
        )
      const runRaw = () =>
        Promise.all(
          rSessions.map(async (id) => {
            for (let i = 0; i < per; i++) await r.ops.append(id, [messageInput(i)])
          }),
        )
      const sides = [
        async () => agentMs.push(await measure(runAgent)),
        async () => rawMs.push(await measure(runRaw)),
      ]
      if (rep % 2) sides.reverse()
      for (const side of sides) await side()
    })
  }
  return [
    throughputRow(
      `C1 ${writers} concurrent writers, single appends (${per * writers})`,
      BACKEND,
      per * writers,
      agentMs,
      rawMs,
    ),
  ]
}

/** Per-sample alternation of the two sides on one shared schema; p50 and p99 per repetition. */
async function compareReads(ctx, store, ops, samples, agentQuery, rawQuery) {
  const stats = { a50: [], a99: [], r50: [], r99: [] }
  for (let i = 0; i < 20; i++) {
    await agentQuery(store, samples[i % samples.length])
    await rawQuery(ops, samples[i % samples.length])
  }
  for (let rep = 0; rep < ctx.cfg.reps; rep++) {
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

/** Fills a session with `n` messages through raw unnest inserts (setup, not measured). */
async function fillMessages(ctx, schema, sessionId, n) {
  const t = Date.now()
  for (let from = 1; from <= n; from += 10_000) {
    const to = Math.min(n, from + 9_999)
    const seqs = batch(from, to + 1, (i) => i)
    await ctx.admin.query(
      `INSERT INTO "${schema}".messages (namespace, id, session_id, sequence, role, content, name, tool_call_id, usage, metadata, created_at)
       SELECT 'default', i.id, $1, i.seq, i.role, i.content, NULL, NULL, NULL, '{}', $2
       FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[]) AS i(id, seq, role, content)`,
      [
        sessionId,
        t,
        seqs.map(() => rawId()),
        seqs,
        seqs.map((i) => messageInput(i).role),
        seqs.map((i) => JSON.stringify(messageInput(i).content)),
      ],
    )
  }
  await ctx.admin.query(
    `UPDATE "${schema}".sessions SET last_sequence = $1, message_count = $1 WHERE id = $2`,
    [n, sessionId],
  )
  await ctx.admin.query(`ANALYZE "${schema}".messages`)
}

async function w3(ctx) {
  const rows = []
  const small = {}
  for (const n of ctx.cfg.scales) {
    log(`postgres W3: filling a session with ${n} messages`)
    const a = await freshStore(ctx.lib, ctx.url, ctx.admin)
    try {
      await fillMessages(ctx, a.schema, a.sessionId, n)
      const ops = rawPgOps(ctx.raw, a.schema)
      const middle = batch(0, ctx.cfg.samples, (i) =>
        Math.floor(n * 0.4 + ((i * 7919) % Math.floor(n * 0.2))),
      )
      const latest = await compareReads(
        ctx,
        a.store,
        ops,
        batch(0, ctx.cfg.samples, () => 0),
        (store) => store.messages.list(a.sessionId, { latest: 50 }),
        (o) => o.latestMessages(a.sessionId, 50),
      )
      const page = await compareReads(
        ctx,
        a.store,
        ops,
        middle,
        (store, after) => store.messages.list(a.sessionId, { after, limit: 50 }),
        (o, after) => o.messagesAfter(a.sessionId, after, 50),
      )
      if (!small.latest) Object.assign(small, { latest, page })
      const extra = (stats, kind) => ({
        messages: n,
        p50VsSmallest: round(median(stats.a50) / median(small[kind].a50)),
      })
      rows.push(...latencyRows(`W3 latest 50 of ${label(n)}`, latest, extra(latest, "latest")))
      rows.push(
        ...latencyRows(`W3 middle page of 50 by cursor, ${label(n)}`, page, extra(page, "page")),
      )
    } finally {
      await a.drop()
    }
  }
  return rows
}

async function e3(ctx) {
  const n = ctx.cfg.events
  log(`postgres E3: filling ${n} events`)
  const a = await freshStore(ctx.lib, ctx.url, ctx.admin)
  try {
    const fill = rawPgOps(ctx.raw, a.schema)
    for (let from = 0; from < n; from += 5_000) {
      await fill.appendEvents(
        batch(from, Math.min(n, from + 5_000), (i) => eventInput(i, a.sessionId)),
      )
    }
    await ctx.admin.query(`ANALYZE "${a.schema}".events`)
    const samples = batch(0, ctx.cfg.samples, (i) =>
      Math.floor(n * 0.1 + ((i * 7919) % Math.floor(n * 0.8))),
    )
    const stats = await compareReads(
      ctx,
      a.store,
      fill,
      samples,
      (store, after) =>
        store.events.query({ kinds: ["tool.result"], after: String(after), limit: 50 }),
      (o, after) => o.eventsByKind("tool.result", after, 50),
    )
    return latencyRows(`E3 query by kind + cursor page of 50 over ${label(n)}`, stats, {
      events: n,
      perKind: n / KINDS.length,
    })
  } finally {
    await a.drop()
  }
}

async function w4(ctx) {
  const n = ctx.cfg.sessions
  const { agentMs, rawMs } = await compareWrites(
    ctx,
    n,
    100,
    async ({ store }, from, to) => {
      for (let i = from; i < to; i++)
        await store.sessions.create({ agent: `agent-${i % 10}`, title: `Session ${i}` })
    },
    async ({ ops }, from, to) => {
      for (let i = from; i < to; i++) await ops.createSession(`agent-${i % 10}`, `Session ${i}`)
    },
  )
  const list = { a50: [], a99: [], r50: [], r99: [] }
  for (let rep = 0; rep < ctx.cfg.reps; rep++) {
    await withFreshPair(ctx, async ({ store }, { ops }) => {
      for (let i = 0; i < n; i++) {
        await store.sessions.create({ agent: `agent-${i % 10}`, title: `Session ${i}` })
        await ops.createSession(`agent-${i % 10}`, `Session ${i}`)
      }
      const a = []
      const r = []
      for (let pass = 0; pass < ctx.cfg.listPasses; pass++) {
        let cursor
        let position
        let page = 0
        do {
          const sides = [
            async () => {
              const start = now()
              const result = await store.sessions.list(
                cursor ? { limit: 50, cursor } : { limit: 50 },
              )
              a.push(now() - start)
              cursor = result.nextCursor
            },
            async () => {
              const start = now()
              position = (await ops.listSessions(50, position)).next
              r.push(now() - start)
            },
          ]
          if (page++ % 2) sides.reverse()
          for (const side of sides) await side()
        } while (cursor || position)
      }
      list.a50.push(percentile(a, 50))
      list.a99.push(percentile(a, 99))
      list.r50.push(percentile(r, 50))
      list.r99.push(percentile(r, 99))
    })
  }
  return [
    throughputRow(`W4 session creates (${n})`, BACKEND, n, agentMs, rawMs),
    ...latencyRows(`W4 session list page of 50 (of ${n + 1})`, list),
  ]
}

/** W5: a fresh process imports the library and opens an existing store on the server. */
async function w5(ctx) {
  const a = await freshStore(ctx.lib, ctx.url, ctx.admin)
  await a.store.close()
  const sep = ctx.url.includes("?") ? "&" : "?"
  try {
    const agent = `const t = performance.now(); const m = await import(${JSON.stringify(DIST)});
      const s = await m.openStore(${JSON.stringify(`${ctx.url}${sep}schema=${a.schema}`)}); await s.close(); ${REPORT}`
    const raw = `const t = performance.now(); const { default: pg } = await import(${JSON.stringify(PG)});
      const c = new pg.Client({ connectionString: ${JSON.stringify(ctx.url)} }); await c.connect();
      await c.query('SELECT max(version) FROM "${a.schema}".agentstore_migrations'); await c.end(); ${REPORT}`
    return [startupRow("postgres", ctx.cfg.startups, agent, raw)]
  } finally {
    await a.drop()
  }
}

/** Every PostgreSQL workload, in order. */
export const POSTGRES_WORKLOADS = { w1, w1ids, w2, w3, w4, w5, e1, e1ids, e2, e3, c1 }

/** Runs the selected workloads against the server at `url`. */
export async function runPostgres(lib, url, cfg, wanted) {
  const admin = openRawPool(url, 2)
  const raw = openRawPool(url, 10)
  const ctx = { lib, url, cfg, admin, raw }
  const rows = []
  try {
    for (const [name, workload] of Object.entries(POSTGRES_WORKLOADS)) {
      if (!wanted(name)) continue
      log(`postgres ${name}`)
      rows.push(...(await workload(ctx)))
    }
  } finally {
    await raw.end()
    await admin.end()
  }
  return rows
}
