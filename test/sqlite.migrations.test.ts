import { spawn } from "node:child_process"
import { once } from "node:events"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import Database from "better-sqlite3"
import { afterAll, describe, expect, it } from "vitest"
import { Connection } from "../src/backends/sqlite/connection.js"
import { MIGRATION_CHECKSUMS } from "../src/backends/sqlite/migrations/checksums.js"
import { migrations } from "../src/backends/sqlite/migrations/index.js"
import { migrateSqlite } from "../src/backends/sqlite/migrator.js"
import { migrationChecksum } from "../src/core/migrations.js"
import { createSqliteBackend, createStore, type Migration, MigrationError } from "../src/index.js"

const root = join(import.meta.dirname, "..")
const dir = mkdtempSync(join(tmpdir(), "agentstore-migrations-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
const fresh = () => join(dir, `m-${++files}.db`)
const latest = migrations.length

/** Tables, indexes and triggers as SQLite records them, without the bookkeeping tables. */
function schema(path: string): string[] {
  const db = new Database(path, { readonly: true })
  try {
    const rows = db
      .prepare(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as { type: string; name: string; sql: string | null }[]
    return rows
      .filter((r) => r.name !== "agentstore_migrations")
      .map((r) => `${r.type} ${r.name}: ${r.sql}`)
  } finally {
    db.close()
  }
}

function raw(path: string, sql: string, ...params: unknown[]): void {
  const db = new Database(path)
  try {
    db.prepare(sql).run(...params)
  } finally {
    db.close()
  }
}

describe("sqlite migrations", () => {
  it("goes up, down to 0 and up again on a database holding data", async () => {
    const path = fresh()
    const backend = await createSqliteBackend({ path })
    const store = createStore(backend)
    const s = await store.sessions.create({ agent: "a", metadata: { keep: 1 } })
    await store.messages.append(s.id, { role: "user", content: "x" })
    await store.events.append({ kind: "k", sessionId: s.id })
    await store.tools.start({ tool: "t", sessionId: s.id })
    const full = schema(path)
    expect(full.length).toBeGreaterThan(4)
    for (let version = latest - 1; version >= 0; version--) {
      expect((await backend.migrate(version)).current).toBe(version)
    }
    expect(schema(path)).toEqual([])
    expect((await backend.migrationStatus()).applied).toEqual([])
    expect((await backend.migrate()).current).toBe(latest)
    expect(schema(path)).toEqual(full)
    expect((await store.sessions.list({ total: true })).total).toBe(0)
    const again = await store.sessions.create({ agent: "a" })
    expect(again.number).toBe(1)
    await store.close()
    const reopened = createStore(await createSqliteBackend({ path }))
    expect(await reopened.sessions.get(again.id)).toEqual(again)
    await reopened.close()
  })

  it("refuses a database written by a newer version with MigrationError, changing nothing", async () => {
    const path = fresh()
    await (await createSqliteBackend({ path })).close()
    raw(path, "INSERT INTO agentstore_migrations VALUES (?, 'future', 'x', 0)", latest + 1)
    const before = schema(path)
    const error = await createSqliteBackend({ path }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MigrationError)
    expect((error as MigrationError).details).toMatchObject({ databaseVersion: latest + 1 })
    expect(schema(path)).toEqual(before)
  })

  it("records each step's checksum for the quick check on open (update checksums.ts with a step)", () => {
    expect(MIGRATION_CHECKSUMS).toEqual(migrations.map(migrationChecksum))
  })

  it("migrates on open a database one step behind, and opens an up-to-date one unchanged", async () => {
    const path = fresh()
    const behind = await createSqliteBackend({ path, migrate: false })
    await behind.migrate(latest - 1)
    await behind.close()
    const opened = await createSqliteBackend({ path })
    const status = await opened.migrationStatus()
    await opened.close()
    expect(status.current).toBe(latest)
    const again = await createSqliteBackend({ path })
    expect(await again.migrationStatus()).toEqual(status)
    await again.close()
  })

  it("refuses an applied step whose checksum changed with MigrationError", async () => {
    const path = fresh()
    await (await createSqliteBackend({ path })).close()
    raw(path, "UPDATE agentstore_migrations SET checksum = 'tampered' WHERE version = 1")
    const error = await createSqliteBackend({ path }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MigrationError)
    expect((error as MigrationError).details).toMatchObject({ version: 1 })
    const noMigrate = await createSqliteBackend({ path, migrate: false })
    await expect(noMigrate.migrate()).rejects.toBeInstanceOf(MigrationError)
    await noMigrate.close()
  })

  it("runs each step in one transaction: a failing step leaves the previous version intact", async () => {
    const path = fresh()
    const broken: Migration = {
      version: latest + 1,
      name: "broken",
      up: "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);",
      down: "DROP TABLE half_done;",
    }
    const conn = await Connection.open({ path, durability: "normal", busyTimeoutMs: 5000 })
    try {
      const error = await migrateSqlite(conn, [...migrations, broken]).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(MigrationError)
      const status = await migrateSqlite(conn, migrations)
      expect(status.current).toBe(latest)
      expect(schema(path).some((entry) => entry.includes("half_done"))).toBe(false)
    } finally {
      conn.close()
    }
  })

  it("lets 8 processes open one fresh file at the same moment: all succeed, one final version", async () => {
    const entry = join(root, "dist", "index.js")
    expect(existsSync(entry), "build first: npx tsc -p tsconfig.build.json").toBe(true)
    const path = fresh()
    const children = Array.from({ length: 8 }, () =>
      spawn(process.execPath, [join(root, "test", "support", "migrate-child.mjs"), entry, path], {
        stdio: ["pipe", "pipe", "inherit"],
      }),
    )
    const exits = children.map((child) => once(child, "exit"))
    const lines = children.map((child) =>
      createInterface({ input: child.stdout })[Symbol.asyncIterator](),
    )
    for (const line of lines) expect((await line.next()).value).toBe("ready")
    for (const child of children) child.stdin.write("go\n")
    const results = await Promise.all(
      lines.map(async (line) => JSON.parse((await line.next()).value)),
    )
    await Promise.all(exits)
    for (const result of results) {
      expect(result).toMatchObject({ ok: true, status: { current: latest, latest } })
    }
    const db = new Database(path, { readonly: true })
    const applied = db.prepare("SELECT version FROM agentstore_migrations ORDER BY version").all()
    expect(applied).toEqual(Array.from({ length: latest }, (_, i) => ({ version: i + 1 })))
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok")
    db.close()
  })
})
