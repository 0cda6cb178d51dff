import { expect, it } from "vitest"
import { Connection } from "../src/backends/postgres/connection.js"
import { createStore } from "../src/core/store.js"
import { isAgentStoreError } from "../src/index.js"
import { adminQuery, describePg, dropSchema, openTestBackend, PG_URL } from "./support/postgres.js"

/** Resolves on the next call of the returned signal function. */
function signals() {
  let wake: () => void = () => {}
  let count = 0
  return {
    onSignal: () => {
      count++
      wake()
    },
    next: () =>
      new Promise<void>((resolve) => {
        wake = resolve
      }),
    get count() {
      return count
    },
  }
}

describePg("postgres connection faults", () => {
  it("reports a connection terminated mid-statement as UNAVAILABLE, then recovers", async () => {
    // The URL's password (a made-up one when it has none: the test server trusts local users).
    const url = new URL(PG_URL)
    if (!url.password) {
      url.username ||= "postgres"
      url.password = "not-the-password"
    }
    const conn = new Connection({
      connectionString: url.toString(),
      schema: "public",
      max: 2,
      statementTimeoutMs: 0,
      synchronousCommit: "local",
    })
    try {
      const slow = conn.query("SELECT pg_sleep(10) /* agentstore-fault-test */").catch((e) => e)
      for (let i = 0; i < 100; i++) {
        const killed = await adminQuery(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE query LIKE '%agentstore-fault-test%' AND pid <> pg_backend_pid()`,
        )
        if (killed.rowCount) break
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      const error = await slow
      expect(isAgentStoreError(error, "UNAVAILABLE")).toBe(true)
      expect((error as Error).message).toContain(`${url.hostname}:${url.port || 5432}/`)
      expect(`${(error as Error).message} ${JSON.stringify(error)}`).not.toContain(url.password)
      expect(await conn.query<{ one: number }>("SELECT 1 AS one")).toEqual([{ one: 1 }])
    } finally {
      await conn.close()
    }
  })

  it("applies the statement timeout and durability to the pool it opens", async () => {
    for (const synchronousCommit of ["local", "on"] as const) {
      const conn = new Connection({
        connectionString: PG_URL,
        schema: "public",
        max: 1,
        statementTimeoutMs: 100,
        synchronousCommit,
      })
      try {
        const [setting] = await conn.query<{ synchronous_commit: string }>(
          "SHOW synchronous_commit",
        )
        expect(setting?.synchronous_commit).toBe(synchronousCommit)
        const error = await conn.query("SELECT pg_sleep(2)").catch((e: unknown) => e)
        expect(isAgentStoreError(error, "UNAVAILABLE")).toBe(true)
        expect((error as { details: { driverCode: string } }).details.driverCode).toBe("57014")
      } finally {
        await conn.close()
      }
    }
  })

  it("keeps waking watchers after the LISTEN connection is killed", async () => {
    const backend = await openTestBackend()
    try {
      const watch = signals()
      let next = watch.next()
      const stop = backend.watch("ns", watch.onSignal)
      await next // the LISTEN is in place
      next = watch.next()
      await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1`, [
        `LISTEN "${backend.channel}"`,
      ])
      await next // signalled again after the reconnect
      next = watch.next()
      await createStore(backend, { namespace: "ns" }).events.append({ kind: "k" })
      await next
      expect(watch.count).toBeGreaterThanOrEqual(3)
      stop()
    } finally {
      await backend.close()
      await dropSchema(backend.schema)
    }
  })
})
