import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import type { PostgresBackend } from "../src/backends/postgres/index.js"
import {
  type Backend,
  createSqliteBackend,
  createStore,
  MAX_LIMIT_BYTES,
  type ManualClock,
  manualClock,
  type Store,
} from "../src/index.js"
import { sizeFromEnv } from "./support/children.js"
import { type Expected, Model, NEW_CURSOR } from "./support/model.js"
import { type Step, step } from "./support/model-arbitraries.js"
import { type Outcome, perform, resolve } from "./support/model-calls.js"
import { pgAvailable, postgresTarget } from "./support/postgres.js"

// R9, first part (docs/reliability.md): generated sequences of message and event operations give
// what a plain in-memory model gives. CI: 100 runs; `npm run soak`: 2,000.
const RUNS = sizeFromEnv("AGENTSTORE_R9_RUNS", 100, 2000)
const PG_RUNS = sizeFromEnv("AGENTSTORE_R9_PG_RUNS", 25, 500)
const START = Date.UTC(2025, 0, 1)
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/
const dir = mkdtempSync(join(tmpdir(), "agentstore-r9-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Checks an outcome against the model, filling in the ids and cursors only the store can pick. */
function check(expected: Expected, real: Outcome, model: Model, what: string): void {
  if ("errors" in expected) {
    expect("error" in real ? real.error : real, what).toBeOneOf(expected.errors)
    return
  }
  expect(real, what).toHaveProperty("ok")
  const actual = (real as { ok: unknown }).ok
  let last = model.cursors().reduce((max, c) => (BigInt(c) > max ? BigInt(c) : max), 0n)
  const fill = (want: unknown, got: unknown): void => {
    if (want === null || typeof want !== "object" || got === null || typeof got !== "object") return
    const w = want as Record<string, unknown>
    const g = got as Record<string, unknown>
    if (w.id === "<generated>" && typeof g.id === "string" && ULID.test(g.id)) w.id = g.id
    if (w.cursor === NEW_CURSOR && typeof g.cursor === "string" && BigInt(g.cursor) > last) {
      w.cursor = g.cursor
      last = BigInt(g.cursor)
    }
    for (const key of Object.keys(w)) fill(w[key], g[key])
  }
  fill(expected.ok, actual)
  expect(actual, what).toEqual(expected.ok)
}

/** The whole namespace, read back page by page, equals the model. */
async function checkState(store: Store, model: Model): Promise<void> {
  for (const id of model.sessionIds) {
    const session = await store.sessions.get(id)
    const mine = model.session(id)
    const messages = []
    for (let after = 0; ; ) {
      const page = await store.messages.list(id, { after, limit: 20 })
      messages.push(...page.messages)
      if (page.nextCursor === undefined) break
      after = page.nextCursor
    }
    expect(messages).toEqual(mine?.messages)
    expect(session).toMatchObject({
      messageCount: mine?.messages.length,
      lastSequence: mine?.last,
      updatedAt: new Date(mine?.updatedAt as number).toISOString(),
    })
  }
  const events = []
  for (let after: string | undefined; ; ) {
    const page = await store.events.query({ limit: 20, ...(after === undefined ? {} : { after }) })
    events.push(...page.events)
    if (page.nextCursor === undefined) break
    after = page.nextCursor
  }
  expect(events).toEqual(model.events())
  expect(await store.events.count()).toBe(model.events().length)
}

/** A backend the model runs against, opened once for all runs (each run is a namespace). */
interface Target {
  name: string
  open(): Promise<Backend>
  destroy?(backend: Backend): Promise<void>
}

let files = 0
const sqlite: Target = {
  name: "sqlite",
  open: () => createSqliteBackend({ path: join(dir, `model-${++files}.db`) }),
}

const pgTarget = postgresTarget()
const postgres: Target = {
  name: "postgres",
  open: pgTarget.create,
  destroy: (backend) => pgTarget.destroy(backend as PostgresBackend),
}

/** Runs the steps in a fresh namespace; returns every outcome with store-chosen values named. */
async function runSteps(store: Store, clock: ManualClock, ns: string, steps: Step[]) {
  clock.set(START)
  const view = store.withNamespace(ns)
  const sessions = [
    await view.sessions.create({ agent: "model" }),
    await view.sessions.create({ agent: "model" }),
  ]
  const model = new Model(
    ns,
    sessions.map((s) => ({ id: s.id, at: START })),
    START,
  )
  const log: unknown[] = []
  for (const [i, generated] of steps.entries()) {
    const call = resolve(generated, model)
    const real = await perform(view, call)
    check(model.expect(call), real, model, `step ${i}: ${call.op}`)
    model.commit(call, real)
    if (call.op === "tick") clock.advance(call.ms)
    log.push(model.normalize(real))
  }
  await checkState(view, model)
  return log
}

/** Runs generated step lists on every target, each against its own model, and compares them. */
async function property(targets: Target[], runs: number): Promise<void> {
  const clocks = targets.map(() => manualClock(START))
  const stores: Store[] = []
  let run = 0
  try {
    for (const [i, target] of targets.entries()) {
      // The model has no size limits: its 1 MiB strings (6 MiB as JSON when all U+0000) must fit.
      const limits = {
        messageBytes: MAX_LIMIT_BYTES,
        eventBytes: MAX_LIMIT_BYTES,
        metadataBytes: MAX_LIMIT_BYTES,
      }
      stores.push(createStore(await target.open(), { clock: clocks[i] as ManualClock, limits }))
    }
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 40, size: "max" }),
        async (steps) => {
          const ns = `r9-${++run}`
          const logs = []
          for (const [i, store] of stores.entries()) {
            logs.push(await runSteps(store, clocks[i] as ManualClock, ns, steps))
          }
          for (const log of logs.slice(1)) expect(log).toEqual(logs[0])
        },
      ),
      { numRuns: runs },
    )
  } finally {
    for (const [i, store] of stores.entries()) {
      await store.close()
      await targets[i]?.destroy?.(store.backend)
    }
  }
}

describe("R9: messages and events against an in-memory model", () => {
  it(
    `sqlite: every outcome equals the model's (${RUNS} runs)`,
    { timeout: 30_000 + RUNS * 300 },
    () => property([sqlite], RUNS),
  )

  // Both backends run the same generated steps; their outcomes must be the model's and each other's.
  const both = `sqlite and postgres: identical outcomes, equal to the model's (${PG_RUNS} runs)`
  if (pgAvailable) {
    it(both, { timeout: 30_000 + PG_RUNS * 1000 }, () => property([sqlite, postgres], PG_RUNS))
  } else {
    it.skip(`${both} (the PostgreSQL test server is unreachable)`, () => {})
  }
})
