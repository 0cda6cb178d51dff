import pg from "pg"
import { expect, it } from "vitest"
import { createPostgresBackend } from "../src/backends/postgres/index.js"
import { createStore, type Store } from "../src/core/store.js"
import { adminQuery, describePg, dropSchema, freshSchema, PG_URL } from "./support/postgres.js"

/** Custom plans made so far by the append statements that look up caller ids. */
async function customPlans(pool: pg.Pool): Promise<{ events: number; messages: number }> {
  const { rows } = await pool.query<{ statement: string; custom_plans: string }>(
    "SELECT statement, custom_plans FROM pg_prepared_statements WHERE statement LIKE 'WITH input AS%'",
  )
  const count = (table: string) =>
    rows
      .filter(
        (row) =>
          row.statement.includes(`."${table}" m JOIN input`) ||
          row.statement.includes(`."${table}" e JOIN input`),
      )
      .reduce((sum, row) => sum + Number(row.custom_plans), 0)
  return { events: count("events"), messages: count("messages") }
}

describePg("postgres statement plans", () => {
  it("keeps a cached plan for appends with caller ids once the tables have statistics", async () => {
    // One connection, so pg_prepared_statements shows the statements the backend prepared.
    const pool = new pg.Pool({ connectionString: PG_URL, max: 1 })
    const schema = freshSchema()
    try {
      const store = createStore(await createPostgresBackend({ pool, schema }))
      const s = await store.sessions.create({ agent: "a" })
      const fill = Array.from({ length: 5000 }, (_, i) => ({ kind: "k", data: { i } }))
      await store.events.appendMany(fill)
      await store.messages.appendMany(
        s.id,
        fill.map(() => ({ role: "user", content: "x" })),
      )
      // A re-send runs the statement that looks the ids up (a new id never does).
      const appendTwice = async (e: string, m: string) => {
        for (let i = 0; i < 2; i++) {
          await store.events.append({ id: e, kind: "k", sessionId: s.id })
          await store.messages.append(s.id, { id: m, role: "user", content: "x" })
        }
      }
      for (let i = 0; i < 10; i++) await appendTwice(`warm-e${i}`, `warm-m${i}`)
      await pool.query(`ANALYZE "${schema}".events, "${schema}".messages, "${schema}".sessions`)
      const before = await customPlans(pool)
      for (let i = 0; i < 30; i++) await appendTwice(`e${i}`, `m${i}`)
      const after = await customPlans(pool)
      // Re-planned on every call, these would grow by 30 each.
      expect(after.events - before.events).toBeLessThanOrEqual(6)
      expect(after.messages - before.messages).toBeLessThanOrEqual(6)
      expect(before.events).toBeGreaterThan(0)
      expect(before.messages).toBeGreaterThan(0)
      await store.close()
    } finally {
      await dropSchema(schema)
      await pool.end()
    }
  })
})

/** Rows of `messages` and `events` read by scans so far (statistics of the store's connection). */
async function rowsRead(
  pool: pg.Pool,
  schema: string,
): Promise<{ events: number; messages: number }> {
  await pool.query("SELECT pg_stat_force_next_flush()")
  await pool.query("SELECT 1")
  const { rows } = await adminQuery(
    `SELECT relname, seq_tup_read + coalesce(idx_tup_fetch, 0) AS n FROM pg_stat_user_tables
     WHERE schemaname = $1 AND relname IN ('messages', 'events')`,
    [schema],
  )
  const n = (table: string) => Number(rows.find((row) => row.relname === table)?.n ?? 0)
  return { events: n("events"), messages: n("messages") }
}

/** Rows read per append over 20 appends with new caller ids of one event and one message each. */
async function readsPerAppend(
  pool: pg.Pool,
  store: Store,
  schema: string,
  sessionId: string,
  prefix: string,
) {
  const count = 20
  const before = await rowsRead(pool, schema)
  for (let i = 0; i < count; i++) {
    await store.events.append({ id: `${prefix}-e${i}`, kind: "k", sessionId })
    await store.messages.append(sessionId, { id: `${prefix}-m${i}`, role: "user", content: "x" })
  }
  const after = await rowsRead(pool, schema)
  return {
    events: (after.events - before.events) / count,
    messages: (after.messages - before.messages) / count,
  }
}

describePg("postgres appends with caller ids", () => {
  it("read no stored rows for new ids, also before the tables have statistics", async () => {
    // One connection each, so the statistics flushed are the store's own.
    const pool = new pg.Pool({ connectionString: PG_URL, max: 1 })
    const late = new pg.Pool({ connectionString: PG_URL, max: 1 })
    const schema = freshSchema()
    try {
      const store = createStore(await createPostgresBackend({ pool, schema }))
      for (const table of ["events", "messages", "sessions", "event_counters"]) {
        await adminQuery(`ALTER TABLE "${schema}".${table} SET (autovacuum_enabled = false)`)
      }
      const s = await store.sessions.create({ agent: "a" })
      // Statements planned (and cached) while the tables are nearly empty.
      for (let i = 0; i < 10; i++) {
        await store.events.append({ id: `warm-e${i}`, kind: "k" })
        await store.messages.append(s.id, { id: `warm-m${i}`, role: "user", content: "x" })
      }
      const fill = Array.from({ length: 2000 }, (_, i) => ({ kind: "k", data: { i } }))
      await store.events.appendMany(fill)
      await store.messages.appendMany(
        s.id,
        fill.map(() => ({ role: "user", content: "x" })),
      )
      // A scan of the namespace would read over 2000 rows per append.
      const cached = await readsPerAppend(pool, store, schema, s.id, "cached")
      expect(cached).toEqual({ events: 0, messages: 0 })
      // Statements planned on a second connection, on 2000 rows without statistics.
      const planned = createStore(await createPostgresBackend({ pool: late, schema }))
      const fresh = await readsPerAppend(late, planned, schema, s.id, "planned")
      expect(fresh).toEqual({ events: 0, messages: 0 })
      await planned.close()
      await store.close()
    } finally {
      await dropSchema(schema)
      await pool.end()
      await late.end()
    }
  })
})
