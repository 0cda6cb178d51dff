import { expect, it } from "vitest"
import { packagesIn, scriptImportLog } from "../support/imports.js"

const FRAMEWORK = /^(@langchain\/|@openai\/|ai$|zod$)/

/** The node_modules packages a fresh process loads, before and after importing the adapter. */
function phases(): { core: string[]; adapter: string[] } {
  const script = `
    const { appendFileSync } = await import("node:fs")
    const { openStore } = await import("agentstore")
    const store = await openStore(":memory:")
    await store.sessions.create({ agent: "a" })
    appendFileSync(process.env.IMPORT_LOG, "PHASE\\n")
    const { AgentStoreSaver } = await import("agentstore/langgraph")
    const saver = new AgentStoreSaver(store)
    await saver.put({ configurable: { thread_id: "t" } }, {
      v: 4, id: "1", ts: new Date().toISOString(),
      channel_values: { a: 1 }, channel_versions: { a: 1 }, versions_seen: {},
    }, { source: "input", step: -1, parents: {} }, { a: 1 })
    if (!(await saver.getTuple({ configurable: { thread_id: "t" } }))) process.exit(3)
    await store.close()`
  const [core = "", adapter = ""] = scriptImportLog(script).split("PHASE\n")
  return { core: packagesIn(core), adapter: packagesIn(adapter) }
}

it("importing agentstore loads no framework; agentstore/langgraph loads the checkpoint package and @langchain/core only", () => {
  const { core, adapter } = phases()
  expect(core.filter((name) => FRAMEWORK.test(name))).toEqual([])
  expect(adapter.filter((name) => FRAMEWORK.test(name))).toEqual([
    "@langchain/core",
    "@langchain/langgraph-checkpoint",
    "zod", // a dependency of @langchain/core
  ])
})
