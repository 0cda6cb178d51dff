import { randomBytes } from "node:crypto"
import pg from "pg"
import { expect, it } from "vitest"
import { createPostgresBackend } from "../src/backends/postgres/index.js"
import { createStore } from "../src/core/store.js"
import { isAgentStoreError } from "../src/index.js"
import { adminQuery, describePg, dropSchema, freshSchema, PG_URL } from "./support/postgres.js"

/** `url` with one more query parameter. */
function withParam(url: string, key: string, value: string): string {
  const parsed = new URL(url)
  parsed.searchParams.set(key, value)
  return parsed.toString()
}

describePg("postgres behind poolers", () => {
  it("prepares no named statement with preparedStatements: false", async () => {
    const pool = new pg.Pool({ connectionString: PG_URL, max: 1 })
    const schema = freshSchema()
    try {
      const backend = await createPostgresBackend({ pool, schema, preparedStatements: false })
      const store = createStore(backend)
      const s = await store.sessions.create({ agent: "a" })
      await store.messages.append(s.id, { id: "m1", role: "user", content: "x" })
      await store.events.append({ kind: "k", sessionId: s.id })
      expect((await store.messages.list(s.id)).messages).toHaveLength(1)
      const { rows } = await pool.query("SELECT count(*)::int AS n FROM pg_prepared_statements")
      expect(rows[0].n).toBe(0)
      await backend.close()
    } finally {
      await dropSchema(schema)
      await pool.end()
    }
  })

  it("reads preparedStatements from the URL and refuses other values", async () => {
    const schema = freshSchema()
    try {
      const url = withParam(withParam(PG_URL, "preparedStatements", "false"), "schema", schema)
      const backend = await createPostgresBackend({ url, poolSize: 1 })
      await createStore(backend).sessions.create({ agent: "a" })
      await backend.close()
      const bad = withParam(PG_URL, "preparedStatements", "maybe")
      const error = await createPostgresBackend({ url: bad }).catch((e: unknown) => e)
      expect(isAgentStoreError(error, "VALIDATION")).toBe(true)
      expect((error as { details: { field: string } }).details.field).toBe("preparedStatements")
    } finally {
      await dropSchema(schema)
    }
  })

  it("LISTENs on listenUrl, given as a setting or as a URL parameter", async () => {
    for (const form of ["config", "url"] as const) {
      const app = `agentstore_listen_${randomBytes(4).toString("hex")}`
      const listenUrl = withParam(PG_URL, "application_name", app)
      const schema = freshSchema()
      const backend = await createPostgresBackend(
        form === "config"
          ? { url: PG_URL, schema, poolSize: 1, listenUrl }
          : { url: withParam(withParam(PG_URL, "schema", schema), "listenUrl", listenUrl) },
      )
      try {
        const signals: string[] = []
        let wake = () => {}
        const next = () =>
          new Promise<void>((resolve) => {
            wake = resolve
          })
        let ready = next()
        const stop = backend.watch("ns", () => {
          signals.push("ns")
          wake()
        })
        await ready
        const { rows } = await adminQuery(
          "SELECT query FROM pg_stat_activity WHERE application_name = $1",
          [app],
        )
        expect(rows.map((row) => row.query)).toEqual([`LISTEN "${backend.channel}"`])
        ready = next()
        await createStore(backend, { namespace: "ns" }).events.append({ kind: "k" })
        await ready
        expect(signals.length).toBe(2)
        stop()
      } finally {
        await backend.close()
        await dropSchema(schema)
      }
    }
  })

  it("refuses a listenUrl that is not a postgres URL", async () => {
    const error = await createPostgresBackend({ url: PG_URL, listenUrl: "not a url" }).catch(
      (e: unknown) => e,
    )
    expect(isAgentStoreError(error, "VALIDATION")).toBe(true)
    expect((error as { details: { field: string } }).details.field).toBe("listenUrl")
  })
})
