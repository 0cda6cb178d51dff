import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, expect, it } from "vitest"
import { agentstore } from "./support/cli.js"

let dir: string
const run = (...args: string[]) => agentstore(args, { cwd: dir })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-json-"))
  expect((await run("demo")).code).toBe(0)
  writeFileSync(join(dir, "bin.dat"), Buffer.from([0, 159, 146, 150, 255]))
  expect((await run("artifacts", "put", "bin.dat", "--handle", "bin.dat")).code).toBe(0)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it("--json errors are one JSON document on stderr with the same exit codes", async () => {
  const missing = await run("--json", "sessions", "show", "nope")
  expect(missing.code).toBe(3)
  expect(missing.stdout).toBe("")
  expect(JSON.parse(missing.stderr)).toEqual({
    error: {
      code: "NOT_FOUND",
      message: "session not found: nope",
      details: { entity: "session", id: "nope" },
    },
  })
  const usage = await run("--json", "sessions", "frobnicate")
  expect(usage.code).toBe(2)
  expect(JSON.parse(usage.stderr).error.code).toBe("VALIDATION")
  const bad = await run("gc", "--json", "--events-max-age", "0d")
  expect(bad.code).toBe(2)
  expect(JSON.parse(bad.stderr).error.code).toBe("VALIDATION")
})

it("plan diff --stat --json returns the stat, without hunks", async () => {
  const stat = JSON.parse((await run("--json", "plan", "diff", "demo-plan-1", "--stat")).stdout)
  expect(stat).toContainEqual({
    op: "modify",
    path: "src/invoice.ts",
    oldPath: null,
    binary: false,
    added: 2,
    removed: 2,
  })
  expect(stat.every((f: object) => !("hunks" in f))).toBe(true)
})

it("artifacts get --json returns metadata with text or base64 content, never raw bytes", async () => {
  const text = JSON.parse((await run("--json", "artifacts", "get", "demo-invoices.csv")).stdout)
  expect(text).toMatchObject({
    handle: "demo-invoices.csv",
    encoding: "utf8",
    mediaType: "text/csv",
  })
  expect(text.content).toMatch(/^id,customer/)
  const binary = JSON.parse((await run("--json", "artifacts", "get", "bin.dat")).stdout)
  expect(binary).toMatchObject({ encoding: "base64", size: 5 })
  expect(Buffer.from(binary.content, "base64")).toEqual(Buffer.from([0, 159, 146, 150, 255]))
})
