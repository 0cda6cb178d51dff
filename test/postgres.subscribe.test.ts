import { afterAll, beforeAll, expect, it } from "vitest"
import type { PostgresBackend } from "../src/backends/postgres/index.js"
import { createStore, type Event } from "../src/index.js"
import { take } from "../src/testing/subscribe.js"
import { adminQuery, describePg, dropSchema, openTestBackend } from "./support/postgres.js"

const ids = (events: Event[]) => events.map((e) => e.id)
/** Idle re-reads off: only LISTEN/NOTIFY wake-ups can deliver events before the timeout. */
const QUIET = { pollIntervalMs: 3_600_000 }

describePg("live tail on PostgreSQL: the LISTEN connection", () => {
  let backend: PostgresBackend
  let writer: PostgresBackend
  beforeAll(async () => {
    backend = await openTestBackend()
    writer = await openTestBackend({ schema: backend.schema })
  })
  afterAll(async () => {
    await backend.close()
    await writer.close()
    await dropSchema(backend.schema)
  })
  const listeners = async () =>
    (
      await adminQuery(
        "SELECT pid FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()",
        [`LISTEN "${backend.channel}"`],
      )
    ).rows.map((row) => row.pid as number)

  it("is one connection shared by every subscription, given up when the last one ends", async () => {
    const store = createStore(backend, { namespace: "shared" })
    const remote = createStore(writer, { namespace: "shared" })
    const subs = Array.from({ length: 5 }, () => store.events.subscribe({}, QUIET))
    const first = await remote.events.append({ kind: "k" })
    for (const sub of subs) expect(ids(await take(sub, 1))).toEqual([first.id])
    expect(await listeners()).toHaveLength(1)
    for (const sub of subs) sub.close()
    await expect.poll(listeners, { timeout: 30_000 }).toHaveLength(0)
  })

  it("re-reads by cursor after the connection is lost: events committed meanwhile arrive", async () => {
    const store = createStore(backend, { namespace: "lost" })
    const remote = createStore(writer, { namespace: "lost" })
    await using sub = store.events.subscribe({}, QUIET)
    const before = await remote.events.append({ kind: "before" })
    expect(ids(await take(sub, 1))).toEqual([before.id])
    const [pid] = await listeners()
    await adminQuery("SELECT pg_terminate_backend($1)", [pid])
    const during = await remote.events.appendMany([{ kind: "a" }, { kind: "b" }])
    expect(ids(await take(sub, 2))).toEqual(ids(during))
    await expect.poll(listeners, { timeout: 30_000 }).toHaveLength(1)
    const after = await remote.events.append({ kind: "after" })
    expect(ids(await take(sub, 1))).toEqual([after.id])
  })

  it("releases the connection when the store closes, ending its subscriptions", async () => {
    const own = await openTestBackend({ schema: backend.schema })
    const store = createStore(own, { namespace: "closing" })
    const sub = store.events.subscribe({}, QUIET)
    const pending = sub.next()
    await expect.poll(listeners, { timeout: 30_000 }).toHaveLength(1)
    await store.close()
    expect(await pending).toEqual({ done: true, value: undefined })
    await expect.poll(listeners, { timeout: 30_000 }).toHaveLength(0)
  })
})
