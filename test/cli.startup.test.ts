import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, expect, it } from "vitest"
import { BIN } from "./support/cli.js"

const HOOKS = join(import.meta.dirname, "support", "record-imports.mjs")
let dir: string

/** The dist/ and node_modules modules a fresh CLI process loads for `args`. */
function loaded(args: string[]): string[] {
  const log = join(dir, `imports-${Math.random().toString(36).slice(2)}.log`)
  const r = spawnSync(process.execPath, ["--import", HOOKS, BIN, ...args], {
    cwd: dir,
    env: { ...process.env, IMPORT_LOG: log, AGENTSTORE_URL: "" },
    encoding: "utf8",
  })
  expect(r.status, r.stderr).toBe(0)
  return readFileSync(log, "utf8")
    .split("\n")
    .filter((u) => u.startsWith("file:"))
    .map((u) => u.replace(/^.*\/(dist|node_modules)\//, "$1/"))
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-start-"))
  expect(spawnSync(process.execPath, [BIN, "init"], { cwd: dir }).status).toBe(0)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it("a command loads its own module and what it uses, not every command's", () => {
  const mods = loaded(["sessions", "list"])
  expect(mods).toContain("dist/cli/commands/sessions.js")
  const others = mods.filter((m) =>
    /cli\/commands\/(?!sessions|index|table)|dist\/bundles\/|changesets\/(apply|diff|myers)/.test(
      m,
    ),
  )
  expect(others).toEqual([])
})

it("--help and --version open no store and load no driver", () => {
  for (const args of [["--help"], ["sessions", "--help"], ["--version"]]) {
    const mods = loaded(args)
    const heavy = mods.filter((m) => /better-sqlite3|dist\/open\.js|dist\/core\/store\.js/.test(m))
    expect(heavy, args.join(" ")).toEqual([])
  }
})
