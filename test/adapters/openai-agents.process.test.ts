import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { packagesIn, scriptImportLog } from "../support/imports.js"
import { dropSchema, freshSchema, PG_URL, pgAvailable } from "../support/postgres.js"

const root = join(import.meta.dirname, "..", "..")
const EXAMPLE = join(root, "examples", "openai-agents.mjs")
const CLI = join(root, "dist", "cli", "main.js")
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-oai-process-"))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The frameworks and drivers among the packages a fresh process loaded running `script`. */
function loadedPackages(script: string): string[] {
  const watched = /^(@openai\/|ai$|@ai-sdk\/|@langchain\/|pg$|openai$|zod$)/
  return packagesIn(scriptImportLog(script)).filter((name) => watched.test(name))
}

it("importing agentstore loads no framework; the adapter loads only its own", () => {
  const store = `const { openStore } = await import("agentstore")
    const store = await openStore(":memory:"); await store.close()`
  expect(loadedPackages(store)).toEqual([])
  const adapter = `${store}
    const { createOpenAIAgentsSession } = await import("agentstore/openai-agents")
    if (typeof createOpenAIAgentsSession !== "function") process.exit(1)`
  const loaded = loadedPackages(adapter)
  expect(loaded).toContain("@openai/agents-core")
  expect(loaded.filter((name) => !/^(@openai\/agents-core|openai|zod)$/.test(name))).toEqual([])
})

/** Runs one turn of the example in a new process. */
function turn(storeUrl: string, message: string): { answer: string; items: number } {
  const out = execFileSync(process.execPath, [EXAMPLE, storeUrl, message], {
    cwd: root,
    encoding: "utf8",
  })
  return JSON.parse(out)
}

const targets = [
  {
    name: "a SQLite file",
    skip: false,
    url: () => `sqlite:${join(dir, "chat.db")}`,
    cleanup: async () => {},
  },
  {
    name: "PostgreSQL",
    skip: !pgAvailable,
    schema: freshSchema(),
    url() {
      const url = new URL(PG_URL)
      url.searchParams.set("schema", this.schema)
      return url.toString()
    },
    async cleanup() {
      await dropSchema(this.schema)
    },
  },
]

for (const target of targets) {
  describe.skipIf(target.skip)(`the example on ${target.name}`, () => {
    afterAll(() => target.cleanup())

    it("runs a tool turn in one process and resumes the conversation in another", () => {
      const url = target.url()
      expect(turn(url, "What is the weather in Oslo?")).toEqual({
        answer: "It is sunny, 21 °C in Oslo.",
        items: 4,
        modelCalls: 2,
      })
      expect(turn(url, "And what did I ask before?")).toEqual({
        answer: 'I was given 5 items; you first asked: "What is the weather in Oslo?"',
        items: 6,
        modelCalls: 1,
      })
      const listed = execFileSync(
        process.execPath,
        [CLI, "messages", "list", "weather-chat", "--store", url],
        {
          encoding: "utf8",
        },
      )
      const rows = listed
        .trim()
        .split("\n")
        .slice(1)
        .map((line) => line.split(/\s{2,}/).filter((_, i) => i !== 2 && i !== 3))
      expect(rows).toEqual([
        ["1", "user", "What is the weather in Oslo?"],
        ["2", "assistant:get_weather", '{"city":"Oslo"}'],
        ["3", "tool:get_weather", "sunny, 21 °C in Oslo"],
        ["4", "assistant", "It is sunny, 21 °C in Oslo."],
        ["5", "user", "And what did I ask before?"],
        ["6", "assistant", 'I was given 5 items; you first asked: "What is the weather in Oslo?"'],
      ])
    })
  })
}
