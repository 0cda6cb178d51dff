import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { validate } from "@langchain/langgraph-checkpoint-validation"
import { afterAll, describe } from "vitest"
import { AgentStoreSaver, type AgentStoreSaverOptions } from "../../src/adapters/langgraph/index.js"
import { openStore, type Store } from "../../src/index.js"
import { describePg, dropSchema, freshSchema, PG_URL } from "../support/postgres.js"
import { installVitestGlobals } from "../support/vitest-globals.js"

installVitestGlobals()

const dir = mkdtempSync(join(tmpdir(), "agentstore-langgraph-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const stores = new WeakMap<AgentStoreSaver, Store>()
let files = 0

function sqliteTarget(name: string, options: AgentStoreSaverOptions = {}) {
  return {
    checkpointerName: name,
    async createCheckpointer() {
      const store = await openStore(join(dir, `store-${++files}`))
      const saver = new AgentStoreSaver(store, options)
      stores.set(saver, store)
      return saver
    },
    destroyCheckpointer: (saver: AgentStoreSaver) => stores.get(saver)?.close(),
  }
}

describe("LangGraph checkpoint validation on a SQLite file", () => {
  validate(sqliteTarget("agentstore (sqlite)"))
})

describe("LangGraph checkpoint validation on a SQLite file, every payload an artifact", () => {
  validate(sqliteTarget("agentstore (sqlite, inlineBytes 0)", { inlineBytes: 0 }))
})

describePg("LangGraph checkpoint validation on PostgreSQL", () => {
  const schema = freshSchema()
  let store: Store
  let namespaces = 0
  validate({
    checkpointerName: "agentstore (postgres)",
    async beforeAll() {
      const url = new URL(PG_URL)
      url.searchParams.set("schema", schema)
      store = await openStore(url.toString())
    },
    async afterAll() {
      await store.close()
      await dropSchema(schema)
    },
    // Every checkpointer gets a namespace of its own in one schema: nothing is shared.
    createCheckpointer: () => new AgentStoreSaver(store.withNamespace(`lg-${++namespaces}`)),
  })
})
