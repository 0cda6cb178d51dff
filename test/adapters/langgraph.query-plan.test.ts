import type { RunnableConfig } from "@langchain/core/runnables"
import { emptyCheckpoint, uuid6 } from "@langchain/langgraph-checkpoint"
import { afterAll, beforeAll, expect, it } from "vitest"
import { AgentStoreSaver } from "../../src/adapters/langgraph/index.js"
import { createSqliteBackend, createStore, type Store } from "../../src/index.js"
import { recordReads, selectPlans } from "../support/query-plan.js"

const seen = recordReads()

/** The plans of the SELECTs on `events` that `run` issues. */
const plans = (run: () => Promise<unknown>) => selectPlans(seen, "events", run)

let store: Store
let saver: AgentStoreSaver
const ids: string[] = []
const thread = { configurable: { thread_id: "t", checkpoint_ns: "" } }

beforeAll(async () => {
  store = createStore(await createSqliteBackend({ path: ":memory:" }))
  saver = new AgentStoreSaver(store)
  let config: RunnableConfig = { configurable: { thread_id: "t" } }
  for (let i = 0; i < 20; i++) {
    const cp = {
      ...emptyCheckpoint(),
      id: uuid6(-1),
      channel_values: { n: i },
      channel_versions: { n: i + 1 },
    }
    config = await saver.put(config, cp, { source: "loop", step: i, parents: {} }, { n: i + 1 })
    await saver.putWrites(config, [["n", i]], "task")
    ids.push(cp.id)
  }
})
afterAll(() => store.close())

const CASES: [string, () => Promise<unknown>][] = [
  ["getTuple, latest", () => saver.getTuple(thread)],
  [
    "getTuple, by id",
    () => saver.getTuple({ configurable: { ...thread.configurable, checkpoint_id: ids[5] } }),
  ],
  [
    "list, limit and before",
    async () => {
      const before = { configurable: { ...thread.configurable, checkpoint_id: ids[10] } }
      for await (const _ of saver.list(thread, { limit: 3, before })) void _
    },
  ],
]

it.each(CASES)(
  "%s reads events by index only: id, parent or session, never a scan",
  async (_, run) => {
    const found = await plans(run)
    expect(found.length).toBeGreaterThan(0)
    for (const plan of found) {
      expect(plan).toMatch(
        /USING (INDEX|PRIMARY KEY|COVERING INDEX)\b.*\((namespace=\? AND (id|parent_id|session_id)=\?)/,
      )
    }
  },
)

it("list with before starts at the before checkpoint's cursor, not at the thread's newest", async () => {
  const before = { configurable: { ...thread.configurable, checkpoint_id: ids[10] } }
  const steps: number[] = []
  for await (const tuple of saver.list(thread, { limit: 3, before }))
    steps.push(tuple.metadata?.step as number)
  expect(steps).toEqual([9, 8, 7])
  const listed = seen.filter(({ sql }) => /parent_id = \?/.test(sql) && /cursor < \?/.test(sql))
  expect(listed.length).toBeGreaterThan(0)
})
