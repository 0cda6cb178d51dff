import pg from "pg"
import { expect, it } from "vitest"
import { createPostgresBackend } from "../src/backends/postgres/index.js"
import { isAgentStoreError } from "../src/index.js"
import { openStore } from "../src/open.js"
import { describePg, dropSchema, freshSchema, openTestBackend, PG_URL } from "./support/postgres.js"

/** Holds an ACCESS EXCLUSIVE lock on the schema's migration table until `release()`. */
async function lockMigrations(schema: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  await client.query("BEGIN")
  await client.query(`LOCK TABLE "${schema}".agentstore_migrations IN ACCESS EXCLUSIVE MODE`)
  return {
    async release() {
      await client.query("COMMIT")
      await client.end()
    },
  }
}

describePg("postgres open", () => {
  it("reopens a migrated schema under a 1 ms statement timeout", async () => {
    const first = await openTestBackend()
    await first.close()
    try {
      for (let i = 0; i < 5; i++) {
        const again = await openTestBackend({ schema: first.schema, statementTimeoutMs: 1 })
        await again.close()
      }
    } finally {
      await dropSchema(first.schema)
    }
  })

  it("checks the migration status without the statement timeout", async () => {
    const first = await openTestBackend()
    await first.close()
    const lock = await lockMigrations(first.schema)
    try {
      const opening = createPostgresBackend({
        url: PG_URL,
        schema: first.schema,
        poolSize: 2,
        statementTimeoutMs: 50,
      })
      opening.catch(() => {}) // awaited below, after the lock is released
      await new Promise((resolve) => setTimeout(resolve, 400))
      await lock.release()
      const backend = await opening
      const status = backend.migrationStatus()
      expect((await status).current).toBeGreaterThan(0)
      const relock = await lockMigrations(first.schema)
      const during = backend.migrationStatus()
      await new Promise((resolve) => setTimeout(resolve, 400))
      await relock.release()
      expect((await during).current).toBe((await status).current)
      await backend.close()
    } finally {
      await dropSchema(first.schema)
    }
  })

  it("refuses system schemas with ValidationError naming schema", async () => {
    for (const schema of [
      "pg_catalog",
      "pg_toast",
      "pg_temp",
      "pg_anything",
      "information_schema",
    ]) {
      const direct = await createPostgresBackend({ url: PG_URL, schema }).catch((e: unknown) => e)
      expect(isAgentStoreError(direct, "VALIDATION"), String(direct)).toBe(true)
      expect((direct as { details: { field: string } }).details.field).toBe("schema")
      const viaUrl = await openStore(`${PG_URL}?schema=${schema}`).catch((e: unknown) => e)
      expect(isAgentStoreError(viaUrl, "VALIDATION"), String(viaUrl)).toBe(true)
      expect((viaUrl as { details: { field: string } }).details.field).toBe("schema")
    }
  })

  it("still accepts ordinary schema names, public included", async () => {
    const schema = freshSchema()
    for (const name of [schema, "public"]) {
      const backend = await createPostgresBackend({ url: PG_URL, schema: name, migrate: false })
      expect(backend.schema).toBe(name)
      await backend.close()
    }
  })
})
