import { afterAll, beforeAll, expect, it } from "vitest"
import type { PostgresBackend } from "../src/backends/postgres/index.js"
import { createPostgresBackend } from "../src/backends/postgres/index.js"
import { migrations } from "../src/backends/postgres/migrations/index.js"
import { createSqliteBackend } from "../src/backends/sqlite/index.js"
import type { Backend } from "../src/core/backend.js"
import { manualClock } from "../src/core/clock.js"
import { latestVersion } from "../src/core/migrations.js"
import { createStore, type Store } from "../src/core/store.js"
import { isAgentStoreError } from "../src/index.js"
import { describePg, dropSchema, openTestBackend, PG_URL } from "./support/postgres.js"

const LATEST = latestVersion(migrations)

/** What a call gave: its value, or its error code and field. */
async function outcome(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await fn() }
  } catch (error) {
    if (!isAgentStoreError(error)) throw error
    return { error: error.code, field: error.details.field ?? null }
  }
}

const NUL = "a\u0000b"
const LONE = "x\ud800y"

/** One scripted walk through every domain; both backends must give the same transcript. */
async function scenario(store: Store, clock: ReturnType<typeof manualClock>): Promise<unknown[]> {
  const out: unknown[] = []
  const log = async (fn: () => Promise<unknown>) => out.push(await outcome(fn))
  const meta = { k: NUL, n: 1.5, b: true, z: null, lone: LONE, nested: { k: NUL } }
  await log(() => store.sessions.create({ agent: "a", id: "s1", title: "one", metadata: meta }))
  clock.advance(10)
  await log(() => store.sessions.create({ agent: "a", id: "s2", metadata: { k: "other" } }))
  await log(() => store.sessions.create({ agent: "b", id: "s3", metadata: { k: `\\u0000` } }))
  await log(() => store.sessions.create({ agent: "a", id: "s1" }))
  for (const filter of [
    { k: NUL },
    { k: "\\u0000" },
    { n: 1.5 },
    { b: true },
    { z: null },
    { lone: LONE },
    { k: "a" },
  ]) {
    await log(() => store.sessions.list({ metadata: filter, total: true }))
  }
  const page = await store.sessions.list({
    agent: "a",
    limit: 1,
    orderBy: "updatedAt",
    order: "desc",
  })
  out.push(
    page,
    await outcome(() =>
      store.sessions.list({ agent: "a", limit: 1, cursor: page.nextCursor as string }),
    ),
  )
  clock.advance(10)
  await log(() =>
    store.messages.appendMany("s1", [
      { id: "m1", role: "user", content: { text: NUL, lone: LONE } },
      { id: "m2", role: "assistant", content: "hi", usage: { input: 3, output: 4 } },
    ]),
  )
  await log(() =>
    store.messages.append("s1", { role: "user", content: 3 }, { expectedSequence: 2 }),
  )
  await log(() =>
    store.messages.append("s1", { role: "user", content: 4 }, { expectedSequence: 2 }),
  )
  await log(() =>
    store.messages.append("s1", { id: "m1", role: "user", content: { text: NUL, lone: LONE } }),
  )
  await log(() => store.messages.append("s1", { id: "m1", role: "user", content: "changed" }))
  await log(() => store.messages.append("nope", { role: "user", content: 1 }))
  await log(() => store.messages.list("s1", { latest: 2 }))
  await log(() => store.messages.truncate("s1", 1))
  await log(() => store.messages.count("s1"))
  await log(() => store.messages.pop("s1"))
  await log(() => store.messages.list("s1"))
  await log(() => store.sessions.get("s1"))
  await log(() =>
    store.events.appendMany([
      { id: "e1", kind: "k1", sessionId: "s1", data: { x: NUL, y: LONE }, text: NUL },
      { id: "e2", kind: "k2", agent: "a", parentId: "e1" },
      { id: "e3", kind: "k1", sessionId: "s2" },
    ]),
  )
  clock.advance(10)
  await log(() =>
    store.events.append({
      id: "e1",
      kind: "k1",
      sessionId: "s1",
      data: { x: NUL, y: LONE },
      text: NUL,
    }),
  )
  await log(() => store.events.append({ id: "e1", kind: "k9" }))
  await log(() => store.events.append({ kind: "k1", sessionId: "missing" }))
  await log(() => store.events.query({ after: "1", limit: 1 }))
  await log(() => store.events.query({ kinds: ["k1"], order: "desc" }))
  await log(() => store.events.summary())
  await log(() => store.events.count({ sessionId: "s1" }))
  await log(() => store.events.tail(2))
  await log(() => store.events.parent("e2"))
  await log(() => store.events.delete({ sessionId: "s2" }))
  await log(() => store.events.append({ id: "e4", kind: "k3" }))
  await log(() =>
    store.tools.start({
      id: "t1",
      tool: "grep",
      arguments: { q: NUL },
      sessionId: "s1",
      planId: "p",
    }),
  )
  clock.advance(5)
  await log(() => store.tools.finish("t1", { status: "succeeded", result: [LONE] }))
  await log(() =>
    store.tools.record({ id: "t2", tool: "ls", status: "failed", error: "boom", planId: "p" }),
  )
  await log(() => store.tools.start({ id: "t1", tool: "grep", arguments: { q: "other" } }))
  await log(() => store.tools.start({ tool: "x", sessionId: "missing" }))
  await log(() => store.tools.list({ planId: "p" }))
  await log(() => store.tools.deleteByPlan("p"))
  await log(() => store.sessions.update("s1", { title: "renamed", metadata: { more: NUL } }))
  await log(() => store.sessions.addUsage("s1", { input: 5, output: 6 }))
  await log(() => store.sessions.delete("s1"))
  await log(() => store.events.count())
  await log(() => store.sessions.list({ total: true }))
  return out
}

/**
 * Runs the walk. Generated ids differ between runs, and cursors need only increase (SQLite's
 * may skip a value after a rolled-back insert), so both are replaced by placeholders.
 */
async function run(backend: Backend): Promise<unknown[]> {
  const clock = manualClock()
  const store = createStore(backend, { clock })
  try {
    const out = await scenario(store, clock)
    return JSON.parse(
      JSON.stringify(out, (key, value) =>
        key === "cursor" || key === "nextCursor"
          ? "<cursor>"
          : typeof value === "string" && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(value)
            ? "<id>"
            : value,
      ),
    )
  } finally {
    await store.close()
  }
}

describePg("postgres backend", () => {
  let backend: PostgresBackend
  beforeAll(async () => {
    backend = await openTestBackend()
  })
  afterAll(async () => {
    await backend.close()
    await dropSchema(backend.schema)
  })

  it("gives the same results as SQLite for one walk through every domain", async () => {
    const expected = await run(await createSqliteBackend({ path: ":memory:" }))
    const actual = await run(backend)
    expect(actual).toEqual(expected)
    // The walk is not vacuous: NUL and lone surrogates came back, and the filters found them.
    expect(JSON.stringify(actual)).toContain("\\u0000")
    expect(actual[4]).toMatchObject({ ok: { items: [{ id: "s1" }], total: 1 } })
    expect(actual[9]).toMatchObject({ ok: { items: [{ id: "s1" }] } })
  })

  it("signals watchers when another pool appends events, without taking a pool slot", async () => {
    const writer = await openTestBackend()
    const watcher = await createPostgresBackend({ url: PG_URL, schema: writer.schema, poolSize: 1 })
    try {
      const signals: string[] = []
      let wake: () => void = () => {}
      const next = () =>
        new Promise<void>((resolve) => {
          wake = resolve
        })
      let ready = next()
      const stop = watcher.watch("w-ns", () => {
        signals.push("w-ns")
        wake()
      })
      await ready // once when the LISTEN is in place
      ready = next()
      await createStore(writer, { namespace: "other-ns" }).events.append({ kind: "k" })
      await createStore(writer, { namespace: "w-ns" }).events.append({ kind: "k" })
      await ready
      // The only pool connection is still free for reads.
      expect(await createStore(watcher, { namespace: "w-ns" }).events.count()).toBe(1)
      expect(signals).toEqual(["w-ns", "w-ns"])
      stop()
    } finally {
      await watcher.close()
      await writer.close()
      await dropSchema(writer.schema)
    }
  })

  it("migrates down to 0 and back up", async () => {
    const other = await openTestBackend()
    try {
      expect((await other.migrationStatus()).current).toBe(LATEST)
      expect((await other.migrate(0)).current).toBe(0)
      await expect(createStore(other).sessions.create({ agent: "a" })).rejects.toThrow()
      expect((await other.migrate()).current).toBe(LATEST)
      const session = await createStore(other).sessions.create({ agent: "a" })
      expect(session.number).toBe(1)
    } finally {
      await other.close()
      await dropSchema(other.schema)
    }
  })

  it("reports an unreachable server as UNAVAILABLE naming the host but not the password", async () => {
    const error = await createPostgresBackend({
      url: "postgres://someone:s3cret-pw@127.0.0.1:1/nodb",
      schema: "x",
    }).catch((e: unknown) => e)
    expect(isAgentStoreError(error, "UNAVAILABLE")).toBe(true)
    const text = `${(error as Error).message} ${JSON.stringify(error)}`
    expect(text).toContain("127.0.0.1:1/nodb")
    expect(text).not.toContain("s3cret-pw")
  })

  it("closes only the pool it opened", async () => {
    const { default: pg } = await import("pg")
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2 })
    const schema = `t_pool_${Date.now()}`
    try {
      const shared = await createPostgresBackend({ pool, schema })
      await createStore(shared).sessions.create({ agent: "a" })
      await shared.close()
      expect((await pool.query("SELECT 1 AS one")).rows[0].one).toBe(1)
    } finally {
      await dropSchema(schema)
      await pool.end()
    }
  })
})
