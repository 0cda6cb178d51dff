import type pg from "pg"
import { afterAll, beforeAll, expect, it } from "vitest"
import type { PostgresBackend } from "../src/backends/postgres/index.js"
import { createPostgresBackend } from "../src/backends/postgres/index.js"
import { createStore, type Store } from "../src/core/store.js"
import { adminQuery, describePg, dropSchema, freshSchema, PG_URL } from "./support/postgres.js"

const WRITERS = 8
const TAILERS = 2
const EVENTS = 20_000

/**
 * R6: cursors follow commit order. A deferred constraint trigger makes every append sleep a
 * random few milliseconds at COMMIT time, after its cursors were handed out: with a plain
 * sequence a later cursor would then often commit before an earlier one, and a tailer that had
 * already read past it would never see the earlier event.
 */
describePg("postgres event cursors under concurrent writers (R6)", () => {
  const schema = freshSchema()
  let writers: PostgresBackend[] = []
  let readers: PostgresBackend[] = []
  const pools: pg.Pool[] = []

  beforeAll(async () => {
    const first = await createPostgresBackend({ url: PG_URL, schema, poolSize: 1 })
    writers.push(first)
    await adminQuery(`
      CREATE FUNCTION "${schema}".sleep_before_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF random() < 0.05 THEN PERFORM pg_sleep(random() * 0.005); END IF;
        RETURN NULL;
      END $$;
      CREATE CONSTRAINT TRIGGER sleep_before_commit AFTER INSERT ON "${schema}".events
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "${schema}".sleep_before_commit();`)
    for (let i = 1; i < WRITERS; i++) {
      writers.push(
        await createPostgresBackend({ url: PG_URL, schema, poolSize: 1, migrate: false }),
      )
    }
    for (let i = 0; i < TAILERS; i++) {
      readers.push(
        await createPostgresBackend({ url: PG_URL, schema, poolSize: 1, migrate: false }),
      )
    }
  })

  afterAll(async () => {
    await Promise.all([...writers, ...readers].map((backend) => backend.close()))
    await Promise.all(pools.map((pool) => pool.end()))
    writers = []
    readers = []
    await dropSchema(schema)
  })

  it(`${TAILERS} tailers see all ${EVENTS} events of ${WRITERS} writers once, in cursor order`, async () => {
    let done = false
    const written = new Set<string>()
    const write = async (store: Store, count: number, w: number) => {
      let sent = 0
      while (sent < count) {
        const batch = Math.min(count - sent, 1 + Math.floor(Math.random() * 16))
        const events = Array.from({ length: batch }, (_, i) => ({
          kind: "tick",
          data: { w, n: sent + i },
        }))
        for (const event of await store.events.appendMany(events)) written.add(event.id)
        sent += batch
      }
    }
    const tail = async (store: Store) => {
      const seen: { id: string; cursor: bigint }[] = []
      let after: string | undefined
      for (;;) {
        const finished = done
        const page = await store.events.query(
          after === undefined ? { limit: 1000 } : { after, limit: 1000 },
        )
        for (const event of page.events) seen.push({ id: event.id, cursor: BigInt(event.cursor) })
        after = page.events.at(-1)?.cursor ?? after
        if (page.events.length === 0) {
          if (finished) return seen
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
      }
    }
    const tailers = readers.map((backend) => tail(createStore(backend)))
    await Promise.all(writers.map((backend, w) => write(createStore(backend), EVENTS / WRITERS, w)))
    done = true
    const results = await Promise.all(tailers)

    expect(written.size).toBe(EVENTS)
    for (const seen of results) {
      const ids = seen.map((event) => event.id)
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids.length).toBe(EVENTS)
      expect(ids.every((id) => written.has(id))).toBe(true)
      expect(seen.every((event, i) => i === 0 || event.cursor > (seen[i - 1]?.cursor ?? 0n))).toBe(
        true,
      )
    }
  })
})
