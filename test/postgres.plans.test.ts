import pg from "pg"
import { expect, it } from "vitest"
import { createPostgresBackend } from "../src/backends/postgres/index.js"
import { createStore } from "../src/core/store.js"
import { describePg, dropSchema, freshSchema, PG_URL } from "./support/postgres.js"

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
      for (let i = 0; i < 10; i++) {
        await store.events.append({ id: `warm-e${i}`, kind: "k" })
        await store.messages.append(s.id, { id: `warm-m${i}`, role: "user", content: "x" })
      }
      await pool.query(`ANALYZE "${schema}".events, "${schema}".messages, "${schema}".sessions`)
      const before = await customPlans(pool)
      for (let i = 0; i < 30; i++) {
        await store.events.append({ id: `e${i}`, kind: "k", sessionId: s.id })
        await store.messages.append(s.id, { id: `m${i}`, role: "user", content: "x" })
      }
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
