import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type Database from "better-sqlite3"
import { afterAll, describe, expect, it } from "vitest"
import { Connection } from "../src/backends/sqlite/connection.js"
import { createSqliteBackend, createStore, openStore } from "../src/index.js"
import { holdLock as holdWriteLock } from "./support/sqlite-lock.js"

const dir = mkdtempSync(join(tmpdir(), "agentstore-sqlite-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs `open` and hands back the first better-sqlite3 handle it used, to read its pragmas. */
async function withHandle<T>(open: () => Promise<T>): Promise<{ value: T; db: Database.Database }> {
  let db: Database.Database | undefined
  const prepare = Connection.prototype.prepare
  Connection.prototype.prepare = function (this: Connection, sql: string) {
    db ??= this.db
    return prepare.call(this, sql)
  }
  try {
    const value = await open()
    return { value, db: db as Database.Database }
  } finally {
    Connection.prototype.prepare = prepare
  }
}

async function openWithHandle(path: string, durability?: "normal" | "full") {
  const { value: backend, db } = await withHandle(() =>
    createSqliteBackend({ path, ...(durability ? { durability } : {}) }),
  )
  return { backend, db }
}

describe("sqlite connection", () => {
  it.each([
    [undefined, 1],
    ["normal", 1],
    ["full", 2],
  ] as const)(
    "durability %s: WAL, foreign keys on, synchronous = %i, driver busy timeout 0",
    async (durability, sync) => {
      const path = join(dir, `pragmas-${durability}`, "store.db")
      const { backend, db } = await openWithHandle(path, durability)
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal")
      expect(db.pragma("foreign_keys", { simple: true })).toBe(1)
      expect(db.pragma("synchronous", { simple: true })).toBe(sync)
      expect(db.pragma("busy_timeout", { simple: true })).toBe(0)
      await backend.close()
      await backend.close()
      expect(db.open).toBe(false)
    },
  )

  it("passes openStore's durability through to the connection", async () => {
    const url = `sqlite:${join(dir, "full.db")}`
    const { value: store, db } = await withHandle(() => openStore(url, { durability: "full" }))
    expect(db.pragma("synchronous", { simple: true })).toBe(2)
    await store.close()
  })

  it("prepares each statement once and reuses it", async () => {
    const { backend, db } = await openWithHandle(join(dir, "prepared.db"))
    const store = createStore(backend)
    const s = await store.sessions.create({ agent: "a" })
    const prepare = db.prepare
    let prepared = 0
    db.prepare = ((sql: string) => {
      prepared++
      return prepare.call(db, sql)
    }) as typeof db.prepare
    const work = async () => {
      await store.messages.append(s.id, { role: "user", content: "x" })
      await store.events.append({ kind: "k", sessionId: s.id })
      await store.messages.list(s.id, { latest: 5 })
      await store.events.query({ sessionId: s.id })
    }
    await work()
    const afterFirst = prepared
    for (let i = 0; i < 20; i++) await work()
    expect(prepared).toBe(afterFirst)
    await store.close()
  })

  it("creates missing parent directories, for a path and for a store URL", async () => {
    const nested = join(dir, "a", "b", "c", "store.db")
    const backend = await createSqliteBackend({ path: nested })
    await backend.close()
    expect(existsSync(nested)).toBe(true)
    const store = await openStore(join(dir, "x", "y", ".agentstore"))
    await store.sessions.create({ agent: "a" })
    await store.close()
    expect(existsSync(join(dir, "x", "y", ".agentstore", "store.db"))).toBe(true)
    const url = await openStore(`sqlite:${join(dir, "u", "v", "w.db")}`)
    await url.close()
    expect(existsSync(join(dir, "u", "v", "w.db"))).toBe(true)
  })

  it("waits for another process's write lock instead of failing with SQLITE_BUSY", async () => {
    const path = join(dir, "busy.db")
    const store = createStore(await createSqliteBackend({ path }))
    const s = await store.sessions.create({ agent: "a" })
    const { released } = await holdWriteLock(path, 300)
    const m = await store.messages.append(s.id, { role: "user", content: "after the lock" })
    await released
    expect(m.sequence).toBe(1)
    await store.close()
  })

  it("raises UnavailableError, not a driver error, once the busy budget is spent", async () => {
    const path = join(dir, "busy-budget.db")
    const store = createStore(await createSqliteBackend({ path, busyTimeoutMs: 100 }))
    const { released } = await holdWriteLock(path, 1000)
    let caught: unknown
    try {
      await store.sessions.create({ agent: "a" })
    } catch (error) {
      caught = error
    }
    expect(caught).toMatchObject({ code: "UNAVAILABLE", details: { backend: "sqlite" } })
    await released
    expect((await store.sessions.create({ agent: "a" })).number).toBe(1)
    await store.close()
  })

  it("raises StoreClosedError, not a driver TypeError, from every call on a closed backend", async () => {
    const backend = await createSqliteBackend({ path: join(dir, "closed.db") })
    const store = createStore(backend)
    const s = await store.sessions.create({ agent: "a" })
    await backend.close()
    const calls: [string, () => Promise<unknown>][] = [
      ["getSession", () => backend.getSession("default", s.id)],
      ["listSessions", () => store.sessions.list()],
      ["insertSession", () => store.sessions.create({ agent: "a" })],
      ["appendMessages", () => store.messages.append(s.id, { role: "user", content: "x" })],
      ["appendEvents", () => store.events.append({ kind: "k" })],
      ["queryEvents", () => store.events.query()],
      ["countEvents", () => store.events.count()],
      ["migrationStatus", () => backend.migrationStatus()],
    ]
    for (const [name, call] of calls) {
      const caught = await call().then(
        () => undefined,
        (error: unknown) => error,
      )
      expect(caught, name).toMatchObject({ code: "STORE_CLOSED" })
    }
  })

  it("fails a write still waiting for another process's lock with StoreClosedError on close", async () => {
    const path = join(dir, "closed-waiting.db")
    const backend = await createSqliteBackend({ path })
    const store = createStore(backend)
    const s = await store.sessions.create({ agent: "a" })
    const { released } = await holdWriteLock(path, 1000)
    const waiting = store.messages.append(s.id, { role: "user", content: "x" }).then(
      () => undefined,
      (error: unknown) => error,
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    await backend.close()
    expect(await waiting).toMatchObject({ code: "STORE_CLOSED" })
    await released
  })
})
