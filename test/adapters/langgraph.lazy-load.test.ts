import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, expect, it } from "vitest"

const root = join(import.meta.dirname, "..", "..")
const HOOKS = join(root, "test", "support", "record-imports.mjs")
const dir = mkdtempSync(join(tmpdir(), "agentstore-langgraph-imports-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const PACKAGE = /node_modules\/((?:@[^/]+\/)?[^/]+)\//
const FRAMEWORK = /^(@langchain\/|@openai\/|ai$|zod$)/

/** The node_modules packages a fresh process loads, before and after importing the adapter. */
function phases(): { core: string[]; adapter: string[] } {
  const log = join(dir, "imports.log")
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
  const r = spawnSync(process.execPath, ["--import", HOOKS, "--input-type=module", "-e", script], {
    cwd: root,
    env: { ...process.env, IMPORT_LOG: log },
    encoding: "utf8",
  })
  expect(r.status, r.stderr).toBe(0)
  const [core = "", adapter = ""] = readFileSync(log, "utf8").split("PHASE\n")
  const packages = (text: string) =>
    [...new Set(text.split("\n").flatMap((url) => url.match(PACKAGE)?.[1] ?? []))].sort()
  return { core: packages(core), adapter: packages(adapter) }
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
