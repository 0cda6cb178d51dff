import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, expect, it } from "vitest"
import { BIN } from "./support/cli.js"
import { importLog } from "./support/imports.js"

let dir: string

const LIBRARY = join(import.meta.dirname, "..", "dist", "index.js")

/** The modules (dist/…, node_modules/…, node:…) a fresh `node nodeArgs` process loads. */
function loadedBy(nodeArgs: string[]): string[] {
  return importLog(nodeArgs, { cwd: dir, env: { AGENTSTORE_URL: "" } })
    .split("\n")
    .filter((u) => u.startsWith("file:") || u.startsWith("node:"))
    .map((u) => u.replace(/^.*\/(dist|node_modules)\//, "$1/"))
}

/** The modules a fresh CLI process loads for `args`. */
function loaded(args: string[]): string[] {
  return loadedBy([BIN, ...args])
}

/** What opening an existing store must not load: each is loaded on first use instead. */
const NOT_AT_OPEN =
  /backends\/sqlite\/(migrations\/(index|\d)|migrator|sessions|messages|events|tools|artifacts|blobs|changesets|maintenance)|core\/migrations|retention\/run|artifacts\/(gc|fs-blob-store|db-blob-store|blob-input|artifacts)\.js|changesets\/(fs-safe|plans|apply)|bundles\/(export|import)|^node:(crypto|fs\/promises)$/

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

it("importing the library and opening an existing store loads no domain, migration or blob code", () => {
  const script = `const m = await import(${JSON.stringify(LIBRARY)})
    const s = await m.openStore(${JSON.stringify(join(dir, ".agentstore"))}, { create: false })
    await s.close()`
  const mods = loadedBy(["--input-type=module", "-e", script])
  expect(mods).toContain("dist/backends/sqlite/index.js")
  // gc.js is the home of the exported DEFAULT_GC_GRACE_MS; the GC itself runs on demand.
  expect(mods.filter((m) => NOT_AT_OPEN.test(m) && m !== "dist/artifacts/gc.js")).toEqual([])
})

it("listing sessions loads the sessions code only, no migration or blob code", () => {
  const mods = loaded(["sessions", "list"])
  expect(mods).toContain("dist/backends/sqlite/sessions.js")
  const allowed = /sqlite\/sessions|^node:fs\/promises$/ // the CLI's own file helpers use fs/promises
  expect(mods.filter((m) => NOT_AT_OPEN.test(m) && !allowed.test(m))).toEqual([])
})
