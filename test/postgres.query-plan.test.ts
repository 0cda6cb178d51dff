import { afterAll, beforeAll, expect, it } from "vitest"
import { Connection } from "../src/backends/postgres/connection.js"
import type { PostgresBackend } from "../src/backends/postgres/index.js"
import { createStore, manualClock, type Store } from "../src/index.js"
import { adminQuery, describePg, dropSchema, openTestBackend } from "./support/postgres.js"

const SESSIONS = 4000
const AGENTS = 40

/** The SELECTs on sessions the store runs, captured at the connection. */
const seen: { sql: string; params: unknown[] }[] = []
const query = Connection.prototype.query

describePg("postgres EXPLAIN: an index gives every session listing order", () => {
  let backend: PostgresBackend
  let store: Store
  beforeAll(async () => {
    Connection.prototype.query = function (this: Connection, sql, params = [], on) {
      if (/^\s*SELECT/i.test(sql) && /\.sessions\b|"sessions"/.test(sql)) seen.push({ sql, params })
      return query.call(this, sql, params, on) as never
    }
    backend = await openTestBackend()
    const T = backend.schema
    await adminQuery(
      `INSERT INTO "${T}".sessions (namespace, id, agent, number, metadata, created_at, updated_at)
       SELECT 'default', 's' || i, 'agent-' || (i % ${AGENTS}), i, '{}', i, (i * 7919) % ${SESSIONS}
       FROM generate_series(1, ${SESSIONS}) AS i`,
    )
    await adminQuery(`ANALYZE "${T}".sessions`)
    store = createStore(backend, { clock: manualClock() })
  })
  afterAll(async () => {
    Connection.prototype.query = query
    await backend.close()
    await dropSchema(backend.schema)
  })

  const cursor = Buffer.from(JSON.stringify([Date.UTC(2025, 0, 1), "x"])).toString("base64url")
  for (const order of ["desc", "asc"] as const) {
    for (const orderBy of ["createdAt", "updatedAt"] as const) {
      it(`sessions of an agent by ${orderBy} ${order}, first and next page`, async () => {
        seen.length = 0
        await store.sessions.list({ agent: "agent-3", orderBy, order })
        await store.sessions.list({ agent: "agent-3", orderBy, order, cursor })
        expect(seen).toHaveLength(2)
        for (const { sql, params } of seen) {
          const plan = (await adminQuery(`EXPLAIN ${sql}`, params)).rows
            .map((r: Record<string, string>) => r["QUERY PLAN"])
            .join("\n")
          expect(plan).not.toMatch(/\bSort\b|Seq Scan/)
          expect(plan).toMatch(/Index Scan/)
        }
      })
    }
  }
})
