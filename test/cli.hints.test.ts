import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { agentstore, moreHints } from "./support/cli.js"

let dir: string
const run = (...args: string[]) => agentstore(args, { cwd: dir })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-hints-"))
  expect((await run("demo")).code).toBe(0)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs `args`, then every "more" hint it prints, and returns each page's first column. */
async function follow(args: string[], column = 0): Promise<string[]> {
  const seen: string[] = []
  let next: string[] | undefined = args
  for (let pages = 0; next && pages < 30; pages++) {
    const r = await run(...next)
    expect(r.code, r.stderr).toBe(0)
    const rows = r.stdout.split("\n").filter((l) => l.length > 0 && !l.startsWith("more: "))
    seen.push(...rows.slice(1).map((l) => l.split(/\s+/)[column] as string))
    const hints = moreHints(r.stdout)
    expect(hints.length).toBeLessThanOrEqual(1)
    next = hints[0]
  }
  return seen
}

describe("every 'more' hint leads to the next page in the listing's direction", () => {
  it("messages list --latest walks back to the first message", async () => {
    expect(await follow(["messages", "list", "demo-coder-1", "--latest", "3"])).toEqual([
      "5",
      "6",
      "7",
      "2",
      "3",
      "4",
      "1",
    ])
  })

  it("messages list --limit walks forward", async () => {
    expect(await follow(["messages", "list", "demo-coder-1", "--limit", "3"])).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
    ])
  })

  it("events query, oldest first and newest first, keeps its filters", async () => {
    const all = (await follow(["events", "query", "--limit", "1000"])).map(Number)
    expect(all).toHaveLength(19)
    const asc = await follow(["events", "query", "--limit", "4"])
    expect(asc.map(Number)).toEqual(all)
    const desc = await follow(["events", "query", "--desc", "--limit", "4"])
    expect(desc.map(Number)).toEqual([...all].reverse())
    const one = await follow(["events", "query", "--session", "demo-coder-1", "--limit", "3"])
    expect(one).toHaveLength(11)
  })

  it("cursor listings keep their filters: sessions, tools, artifacts", async () => {
    expect(await follow(["sessions", "list", "--agent", "coder", "--limit", "1"])).toEqual([
      "demo-coder-2",
      "demo-coder-1",
    ])
    expect(await follow(["tools", "list", "--session", "demo-coder-1", "--limit", "1"])).toEqual([
      "demo-tool-4",
      "demo-tool-3",
      "demo-tool-2",
      "demo-tool-1",
    ])
    expect((await follow(["artifacts", "list", "--limit", "2"])).sort()).toEqual([
      "demo-coverage.json",
      "demo-invoices.csv",
      "demo-run-tests.log",
    ])
  })
})
