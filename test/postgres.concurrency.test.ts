import { spawn } from "node:child_process"
import { afterAll, beforeAll, expect, it } from "vitest"
import { Connection } from "../src/backends/postgres/connection.js"
import type { PostgresBackend } from "../src/backends/postgres/index.js"
import { migrations } from "../src/backends/postgres/migrations/index.js"
import { latestVersion } from "../src/core/migrations.js"
import { createStore, type Store } from "../src/core/store.js"
import { isAgentStoreError } from "../src/index.js"
import {
  adminQuery,
  describePg,
  dropSchema,
  freshSchema,
  openTestBackend,
  PG_URL,
} from "./support/postgres.js"

const LATEST = latestVersion(migrations)

/** Settles every promise and sorts the outcomes into values and error codes. */
async function settle<T>(calls: Promise<T>[]) {
  const results = await Promise.allSettled(calls)
  const values = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []))
  const codes = results.flatMap((r) =>
    r.status === "rejected" ? [isAgentStoreError(r.reason) ? r.reason.code : String(r.reason)] : [],
  )
  return { values, codes }
}

describePg("postgres under concurrency (R6, R8)", () => {
  let backend: PostgresBackend
  let store: Store
  beforeAll(async () => {
    backend = await openTestBackend({ poolSize: 16 })
    store = createStore(backend)
  })
  afterAll(async () => {
    await backend.close()
    await dropSchema(backend.schema)
  })

  it("lets exactly 1 of 16 appends racing on one expectedSequence win; 15 get CONFLICT", async () => {
    const session = await store.sessions.create({ agent: "race" })
    await store.messages.append(session.id, { role: "user", content: "first" })
    const { values, codes } = await settle(
      Array.from({ length: 16 }, (_, i) =>
        store.messages.append(session.id, { role: "user", content: i }, { expectedSequence: 1 }),
      ),
    )
    expect(values.map((m) => m.sequence)).toEqual([2])
    expect(codes).toEqual(Array(15).fill("CONFLICT"))
    expect(await store.messages.count(session.id)).toBe(2)
  })

  it("stores one row for an append re-sent 3 times, at once and one after another", async () => {
    const session = await store.sessions.create({ agent: "resend" })
    const message = { id: "msg-1", role: "user", content: { text: "a\u0000b" } }
    const together = await Promise.all(
      [1, 2, 3].map(() => store.messages.append(session.id, message)),
    )
    const after = await store.messages.append(session.id, message)
    expect(new Set([...together, after].map((m) => m.sequence))).toEqual(new Set([1]))
    expect(await store.messages.count(session.id)).toBe(1)

    const event = { id: "evt-1", kind: "k", data: "a\u0000b" }
    const events = await Promise.all([1, 2, 3].map(() => store.events.append(event)))
    expect(new Set(events.map((e) => e.cursor)).size).toBe(1)
    expect(await store.events.count()).toBe(1)

    const tool = { id: "tool-1", tool: "grep", arguments: { q: 1 } }
    const tools = await Promise.all([1, 2, 3].map(() => store.tools.start(tool)))
    expect(new Set(tools.map((t) => t.id))).toEqual(new Set(["tool-1"]))
    expect((await store.tools.list()).items).toHaveLength(1)
  })

  it("gives concurrent sessions of one agent distinct numbers", async () => {
    const sessions = await Promise.all(
      Array.from({ length: 24 }, () => store.sessions.create({ agent: "crowd" })),
    )
    const numbers = sessions.map((s) => s.number).sort((a, b) => a - b)
    expect(numbers).toEqual(Array.from({ length: 24 }, (_, i) => i + 1))
  })

  it("retries deadlocks and serialization failures a bounded number of times, then surfaces them", async () => {
    const conn = new Connection({
      connectionString: PG_URL,
      schema: backend.schema,
      max: 4,
      statementTimeoutMs: 0,
      synchronousCommit: "local",
    })
    try {
      await conn.query(`CREATE TABLE ${conn.table("locks")} (id int PRIMARY KEY)`)
      await conn.query(`INSERT INTO ${conn.table("locks")} VALUES (1), (2)`)
      // Two transactions lock the same two rows in opposite orders: a real deadlock (40P01).
      let attempts = 0
      const lockBoth = (first: number, second: number) =>
        conn.transaction(async (client) => {
          attempts++
          await client.query(`SELECT 1 FROM ${conn.table("locks")} WHERE id = $1 FOR UPDATE`, [
            first,
          ])
          await client.query("SELECT pg_sleep(0.2)")
          await client.query(`SELECT 1 FROM ${conn.table("locks")} WHERE id = $1 FOR UPDATE`, [
            second,
          ])
          return first
        })
      expect((await Promise.all([lockBoth(1, 2), lockBoth(2, 1)])).sort()).toEqual([1, 2])
      expect(attempts).toBeGreaterThan(2)

      // A serialization failure that never goes away reaches the caller as CONFLICT.
      let tries = 0
      const error = await conn
        .transaction(async (client) => {
          tries++
          await client.query("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40001'; END $$")
        })
        .catch((e: unknown) => e)
      expect(isAgentStoreError(error, "CONFLICT")).toBe(true)
      expect((error as { details: { driverCode: string } }).details.driverCode).toBe("40001")
      expect(tries).toBe(9)
    } finally {
      await conn.close()
    }
  })

  it("lets 8 processes migrate one fresh schema at once: one version, no error", async () => {
    const schema = freshSchema()
    const script = `
      const { createPostgresBackend } = await import(${JSON.stringify(new URL("../dist/backends/postgres/index.js", import.meta.url).href)})
      const backend = await createPostgresBackend({ url: process.argv[1], schema: process.argv[2], poolSize: 1 })
      const status = await backend.migrationStatus()
      await backend.close()
      console.log(JSON.stringify(status))`
    const run = () =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, ["--input-type=module", "-e", script, PG_URL, schema])
        let out = ""
        let err = ""
        child.stdout.on("data", (d) => {
          out += d
        })
        child.stderr.on("data", (d) => {
          err += d
        })
        child.on("close", (code) => resolve({ code, out, err }))
      })
    try {
      const results = await Promise.all(Array.from({ length: 8 }, run))
      for (const result of results) {
        expect(result.err).toBe("")
        expect(result.code).toBe(0)
        expect(JSON.parse(result.out)).toMatchObject({ current: LATEST, latest: LATEST })
      }
      const applied = await adminQuery(
        `SELECT version FROM "${schema}".agentstore_migrations ORDER BY version`,
      )
      expect(applied.rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version))
    } finally {
      await dropSchema(schema)
    }
  })
})
