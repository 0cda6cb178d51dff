import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { isAgentStoreError } from "../src/index.js"
import { openStore } from "../src/open.js"
import { adminQuery, describePg, dropSchema, freshSchema, PG_URL } from "./support/postgres.js"

const dir = mkdtempSync(join(tmpdir(), "agentstore-open-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Opens `url`, moves its schema down to version 1, then reopens it with `migrate: false`. */
async function reopenDowngraded(url: string): Promise<{ current: number; latest: number }> {
  const first = await openStore(url)
  const { latest } = await first.migrationStatus()
  await first.backend.migrate(1)
  await first.close()
  const again = await openStore(url, { migrate: false })
  try {
    const { current } = await again.migrationStatus()
    return { current, latest }
  } finally {
    await again.close()
  }
}

describe("openStore({ migrate: false })", () => {
  it("leaves a SQLite schema at the version it found", async () => {
    const { current, latest } = await reopenDowngraded(`sqlite:${join(dir, "down.db")}`)
    expect(latest).toBeGreaterThan(1)
    expect(current).toBe(1)
  })
})

describe("openStore({ limits })", () => {
  it("applies the limits it is given to the store it opens", async () => {
    const store = await openStore(":memory:", { limits: { messageBytes: 10 } })
    try {
      const s = await store.sessions.create({ agent: "a" })
      await store.messages.append(s.id, { role: "user", content: "12345678" })
      const error = await store.messages
        .append(s.id, { role: "user", content: "123456789" })
        .catch((e: unknown) => e)
      expect(isAgentStoreError(error, "VALIDATION")).toBe(true)
      expect((error as { details: { field: string } }).details.field).toBe("messages[0].content")
      expect(await store.messages.count(s.id)).toBe(1)
    } finally {
      await store.close()
    }
  })

  it("refuses bad limits with ValidationError", async () => {
    const error = await openStore(":memory:", { limits: { eventBytes: -1 } }).catch((e) => e)
    expect(isAgentStoreError(error, "VALIDATION")).toBe(true)
  })
})

describePg("openStore({ migrate: false }) on PostgreSQL", () => {
  it("leaves a PostgreSQL schema at the version it found", async () => {
    const schema = freshSchema()
    try {
      const { current, latest } = await reopenDowngraded(`${PG_URL}?schema=${schema}&poolSize=2`)
      expect(latest).toBeGreaterThan(1)
      expect(current).toBe(1)
    } finally {
      await dropSchema(schema)
    }
  })

  it("creates nothing when the schema does not exist yet", async () => {
    const schema = freshSchema()
    try {
      const store = await openStore(`${PG_URL}?schema=${schema}&poolSize=2`, { migrate: false })
      expect((await store.migrationStatus()).current).toBe(0)
      await store.close()
      const found = await adminQuery("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema])
      expect(found.rowCount).toBe(0)
    } finally {
      await dropSchema(schema)
    }
  })
})
