import pg from "pg"
import { expect, it } from "vitest"
import { createPostgresBackend } from "../src/backends/postgres/index.js"
import { createStore } from "../src/core/store.js"
import { describePg, dropSchema, freshSchema, PG_URL } from "./support/postgres.js"

describePg("postgres pooled connections", () => {
  it("keep their connection (and its prepared statements) after the server refuses a statement", async () => {
    // One connection, so a new backend pid means the pool dropped it and opened another.
    const pool = new pg.Pool({ connectionString: PG_URL, max: 1 })
    const schema = freshSchema()
    const pid = async () =>
      (await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid
    try {
      const store = createStore(await createPostgresBackend({ pool, schema }))
      const s = await store.sessions.create({ agent: "a" })
      const first = await pid()
      await expect(store.events.append({ kind: "k", sessionId: "missing" })).rejects.toMatchObject({
        code: "VALIDATION",
      })
      await store.events.append({ id: "e1", kind: "k", sessionId: s.id })
      await store.events.append({ id: "e1", kind: "k", sessionId: s.id })
      await expect(store.events.append({ id: "e1", kind: "other" })).rejects.toMatchObject({
        code: "CONFLICT",
      })
      await store.messages.append(s.id, { id: "m1", role: "user", content: "x" })
      await store.messages.append(s.id, { id: "m1", role: "user", content: "x" })
      expect(await pid()).toBe(first)
      await store.close()
    } finally {
      await dropSchema(schema)
      await pool.end()
    }
  })
})
