import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, expect, it } from "vitest"
import { agentstore } from "./support/cli.js"

let dir: string
const run = (...args: string[]) => agentstore(args, { cwd: dir })
const json = async (...args: string[]) => {
  const r = await run("--json", ...args)
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-grammar-"))
  expect((await run("demo")).code).toBe(0)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it("lists repeat the flag; the comma spelling still works for one release", async () => {
  const kinds = (r: { events: { kind: string }[] }) => [...new Set(r.events.map((e) => e.kind))]
  const repeated = await json("events", "query", "--kind", "tool_use", "--kind", "output")
  expect(kinds(repeated).sort()).toEqual(["output", "tool_use"])
  expect(await json("events", "query", "--kind", "tool_use,output")).toEqual(repeated)
  const keys = await json(
    "artifacts",
    "drill",
    "demo-coverage.json",
    "--keys",
    "total",
    "--keys",
    "files",
  )
  expect(Object.keys(keys.values).sort()).toEqual(["files", "total"])
})

it("--latest is the flag for 'the newest n' everywhere; tail's --last stays as an alias", async () => {
  const tail = await run("--json", "events", "tail", "--latest", "2", "--max", "2")
  expect(tail.code).toBe(0)
  expect(tail.stdout.trim().split("\n")).toHaveLength(2)
  const old = await run("--json", "events", "tail", "--last", "2", "--max", "2")
  expect(old.stdout).toBe(tail.stdout)
  const help = await run("events", "tail", "--help")
  expect(help.stdout).toContain("--latest")
  expect(help.stdout).not.toContain("--last")
})

it("events continue with --cursor; --after stays as a hidden alias", async () => {
  const page = await json("events", "query", "--cursor", "5", "--limit", "2")
  expect(page.events.map((e: { cursor: string }) => e.cursor)).toEqual(["6", "7"])
  expect(page).toEqual(await json("events", "query", "--after", "5", "--limit", "2"))
  expect((await run("events", "query", "--help")).stdout).not.toMatch(/--after/)
})

it("--grace takes a duration like every other age; bare milliseconds still work", async () => {
  expect((await json("artifacts", "gc", "--grace", "1h")).deleted).toBe(0)
  expect((await json("artifacts", "gc", "--grace", "3600000")).deleted).toBe(0)
  expect((await run("artifacts", "gc", "--grace", "soon")).stderr).toMatch(
    /^error VALIDATION: --grace:/,
  )
})

it("validation messages name the flag that was typed", async () => {
  const since = await run("events", "query", "--since", "yesterday")
  expect(since.code).toBe(2)
  expect(since.stderr).toMatch(/^error VALIDATION: --since: /)
  const age = await run("gc", "--events-max-age", "0d", "--dry-run")
  expect(age.stderr).toMatch(/^error VALIDATION: --events-max-age: /)
})
