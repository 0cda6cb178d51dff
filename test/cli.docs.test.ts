import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { type Example, exampleBlocks, rewrite, runExample } from "./support/doc-examples.js"

/**
 * Every `$ agentstore …` example in docs/cli.md (and the README's CLI block) is run, in
 * order, against a fresh demo store, and its output must be what the page shows.
 * `UPDATE_DOCS=1 npx vitest run test/cli.docs.test.ts` rewrites the blocks instead.
 *
 * The demo is seeded at a fixed time (`AGENTSTORE_DEMO_TIME`, read only by `demo`), so its
 * times are real. What still differs from run to run is masked by MASKS below.
 */
const root = join(import.meta.dirname, "..")
const DEMO_TIME = "2026-11-22T04:23:30.000Z"
const ENV = { AGENTSTORE_DEMO_TIME: DEMO_TIME }
const update = process.env.UPDATE_DOCS === "1"
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** The parts of real output that change from run to run, and what the docs show instead. */
const MASKS: [RegExp, string][] = [
  // relative to the wall clock, which the demo's fixed time is not
  [/\b(just now|\d+[smhd] ago)\b/g, "just now"],
  // ids of messages appended after the demo (time + randomness)
  [/\b01[0-9A-HJKMNP-TV-Z]{24}\b/g, "01KBX3Q8V2M4N6P8R0T2W4Y6Z8"],
  // the export's checksum covers its own creation time
  [/(before compression, sha256 )[0-9a-f]{16}…/g, "$1bd44e59160cf41f0…"],
  // gc's timings
  [/ in \d+ ms, longest write-lock hold [\d.]+ ms/g, " in 12 ms, longest write-lock hold 0.6 ms"],
  // migrations record the wall-clock time they ran at
  [/^(\d+\s+[\w-]+\s+[0-9a-f]{12}\s+)\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/gm, "$12026-11-22 04:23:30"],
]

function mask(text: string, cwd: string): string {
  let out = text.replaceAll(cwd, "/tmp/docdemo")
  for (const [pattern, replacement] of MASKS) out = out.replace(pattern, replacement)
  return out
}

/** Files some examples read, made before they run (keyed by the start of the command). */
const SETUP: [string, (cwd: string) => void][] = [
  ["agentstore artifacts put out.log", (cwd) => writeFileSync(join(cwd, "out.log"), "ok\n")],
  [
    "agentstore import tampered.ndjson",
    (cwd) => {
      runExample("agentstore export -o tampered.ndjson --session demo-planner-1", cwd, ENV)
      const file = join(cwd, "tampered.ndjson")
      const text = readFileSync(file, "utf8")
      writeFileSync(file, text.replace('"id":"demo-planner-1"', '"id":"demo-planner-0"'))
    },
  ],
]

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "agentstore-docs-"))
  dirs.push(dir)
  return dir
}

/** Runs every example of `file` in one directory, in order; returns the page as it should read. */
function regenerate(file: string, cwd: string): { before: string; after: string } {
  const before = readFileSync(file, "utf8")
  const blocks = exampleBlocks(before)
  const outputs: Example[][] = blocks.map((b) =>
    b.examples.map((e) => {
      for (const [prefix, make] of SETUP) if (e.command.startsWith(prefix)) make(cwd)
      return { command: e.command, output: mask(runExample(e.command, cwd, ENV), cwd) }
    }),
  )
  const after = rewrite(before, blocks, outputs)
  if (update && after !== before) writeFileSync(file, after)
  return { before, after }
}

describe("documented output is real output", () => {
  it("docs/cli.md: every example, run in order from a fresh demo store", () => {
    const cwd = freshDir()
    const { before, after } = regenerate(join(root, "docs", "cli.md"), cwd)
    expect(exampleBlocks(before).length).toBeGreaterThan(20)
    expect(before.startsWith("# agentstore CLI")).toBe(true)
    if (!update) expect(before).toBe(after)
  })

  it("README.md: the CLI section's sample, on a fresh demo store", () => {
    const cwd = freshDir()
    expect(runExample("agentstore demo", cwd, ENV)).toContain("Seeded the demo store")
    const readme = join(root, "README.md")
    const blocks = exampleBlocks(readFileSync(readme, "utf8"))
    expect(blocks.map((b) => b.examples.map((e) => e.command))).toContainEqual([
      "npx agentstore sessions list",
    ])
    const { before, after } = regenerate(readme, cwd)
    if (!update) expect(before).toBe(after)
  })
})
