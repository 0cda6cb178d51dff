import { randomBytes } from "node:crypto"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { eventsChannel, NOTIFY_EVENTS_SQL, pgWatch } from "../src/backends/postgres/watch.js"

const URL = process.env.AGENTSTORE_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test"
const app = `agentstore-watch-${randomBytes(4).toString("hex")}`
const channel = eventsChannel(`s_${randomBytes(4).toString("hex")}`)
const connect = async () => {
  const client = new pg.Client({ connectionString: URL, application_name: app })
  await client.connect()
  return client
}

/** Counts a watcher's signals and lets a test await the n-th one. */
function counter() {
  let count = 0
  let waiters: { n: number; resolve: () => void }[] = []
  return {
    get count() {
      return count
    },
    signal: () => {
      count++
      for (const w of waiters.filter((w) => w.n <= count)) w.resolve()
      waiters = waiters.filter((w) => w.n > count)
    },
    reach(n: number, timeoutMs = 30_000): Promise<void> {
      if (count >= n) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${count} of ${n} signals`)), timeoutMs)
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer)
            resolve()
          },
        })
      })
    },
  }
}

let writer: pg.Client
beforeAll(async () => {
  writer = await connect()
})
afterAll(() => writer.end())

const notify = (payload: string) => writer.query(NOTIFY_EVENTS_SQL, [channel, payload])
const listeners = async () =>
  Number(
    (
      await writer.query(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
        [app],
      )
    ).rows[0].n,
  )

describe("PostgreSQL LISTEN/NOTIFY wake-ups", () => {
  it("wakes the watchers of the notified namespace, all of them for an empty payload", async () => {
    const watch = pgWatch({ connect, channel })
    const a = counter()
    const b = counter()
    const stopA = watch.watchEvents("a", a.signal)
    const stopB = watch.watchEvents("b", b.signal)
    await Promise.all([a.reach(1), b.reach(1)])
    expect(await listeners()).toBe(1)
    // Delivered in order on one connection: once both saw the last one, each saw exactly its own.
    await notify("a")
    await notify("b")
    await notify("")
    await Promise.all([a.reach(3), b.reach(3)])
    expect([a.count, b.count]).toEqual([3, 3])
    stopA()
    stopB()
    await watch.close()
  })

  it("wakes everyone when the connection is lost, reconnects and keeps delivering", async () => {
    const watch = pgWatch({ connect, channel, maxRetryMs: 200 })
    const a = counter()
    watch.watchEvents("a", a.signal)
    await a.reach(1)
    await writer.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
      [app],
    )
    await a.reach(3) // lost, then connected again
    const before = a.count
    await notify("a")
    await a.reach(before + 1)
    expect(await listeners()).toBe(1)
    await watch.close()
  })

  it("holds its connection only while someone watches, and releases it on close", async () => {
    const watch = pgWatch({ connect, channel })
    const a = counter()
    const stop = watch.watchEvents("a", a.signal)
    await a.reach(1)
    expect(await listeners()).toBe(1)
    stop()
    await expect.poll(listeners, { timeout: 30_000 }).toBe(0)
    const b = counter()
    watch.watchEvents("b", b.signal)
    await b.reach(1)
    expect(await listeners()).toBe(1)
    await watch.close()
    await expect.poll(listeners, { timeout: 30_000 }).toBe(0)
  })

  it("keeps channel names within PostgreSQL's 63-byte limit", () => {
    expect(eventsChannel("public")).toBe("agentstore_events.public")
    const long = eventsChannel("x".repeat(80))
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(63)
    expect(long).not.toBe(eventsChannel("y".repeat(80)))
  })
})
