import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { INTERRUPT } from "@langchain/langgraph-checkpoint"
import { afterAll, describe, expect, it } from "vitest"
import { AgentStoreSaver } from "../../src/adapters/langgraph/index.js"
import { openStore } from "../../src/index.js"
import { describePg, dropSchema, freshSchema, PG_URL } from "../support/postgres.js"

const root = join(import.meta.dirname, "..", "..")
const dir = mkdtempSync(join(tmpdir(), "agentstore-langgraph-graph-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs `node <args>` in a new process (the example imports the built package) and returns its pid and output. */
function node(args: string[]): { pid: number; lines: string[] } {
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", timeout: 60_000 })
  expect(result.stderr).toBe("")
  expect(result.status).toBe(0)
  return { pid: result.pid as number, lines: result.stdout.trim().split("\n") }
}

/** The command a printed hint names, run the way this repository runs `npx agentstore`. */
function hinted(line: string | undefined, prefix: string): string[] {
  expect(line?.startsWith(prefix)).toBe(true)
  const words = (line as string).slice(prefix.length).trim().split(" ")
  if (words[0] === "npx" && words[1] === "agentstore")
    return ["dist/cli/main.js", ...words.slice(2)]
  expect(words[0]).toBe("node")
  return words.slice(1)
}

async function pausedThenResumed(url: string): Promise<void> {
  const thread = `refund-${process.pid}`
  const first = node(["examples/langgraph.mjs", url, thread])
  expect(first.lines[0]).toBe(
    `thread ${thread} paused: Approve this refund? (Refund 30 EUR to Ada)`,
  )

  {
    await using store = await openStore(url)
    const paused = await new AgentStoreSaver(store).getTuple({
      configurable: { thread_id: thread },
    })
    const interrupts = paused?.pendingWrites?.filter(([, channel]) => channel === INTERRUPT)
    expect(interrupts?.length).toBe(1)
    expect(paused?.checkpoint.channel_values).toMatchObject({ draft: "Refund 30 EUR to Ada" })
  }

  const second = node(hinted(first.lines[1], "resume with:"))
  expect(second.pid).not.toBe(first.pid)
  expect(second.lines[0]).toBe(`thread ${thread} finished: sent`)

  await using store = await openStore(url)
  const saver = new AgentStoreSaver(store)
  const final = await saver.getTuple({ configurable: { thread_id: thread } })
  expect(final?.checkpoint.channel_values).toMatchObject({ decision: "yes", outcome: "sent" })
  // The draft was written once, by the first process; the second resumed after it.
  expect(final?.checkpoint.channel_values.ranBy).toEqual([
    { node: "write_draft", pid: first.pid },
    { node: "ask_approval", pid: second.pid },
    { node: "settle", pid: second.pid },
  ])
  const history = []
  for await (const tuple of saver.list({
    configurable: { thread_id: thread, checkpoint_ns: "" },
  })) {
    history.push(tuple)
  }
  expect(history.map((t) => t.metadata?.step)).toEqual([3, 2, 1, 0, -1])
  for (const [i, tuple] of history.slice(0, -1).entries()) {
    expect(tuple.parentConfig?.configurable?.checkpoint_id).toBe(history[i + 1]?.checkpoint.id)
  }

  const cli = node(hinted(second.lines[1], "its checkpoints:"))
  expect(cli.lines.filter((line) => / checkpoint +langgraph +lg:refund-/.test(line)).length).toBe(5)
}

describe("a LangGraph graph interrupted in one process and resumed in another", () => {
  it("on a SQLite store directory", () => pausedThenResumed(join(dir, "store")))
})

describePg("a LangGraph graph interrupted in one process and resumed in another", () => {
  const schema = freshSchema()
  afterAll(() => dropSchema(schema))
  it("on PostgreSQL", () => {
    const url = new URL(PG_URL)
    url.searchParams.set("schema", schema)
    return pausedThenResumed(url.toString())
  })
})
