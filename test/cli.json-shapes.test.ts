import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { COMMANDS } from "../src/cli/commands/index.js"
import { chooseEntry } from "../src/cli/dispatch.js"
import { agentstore, shellWords } from "./support/cli.js"
import { codeTable, mismatches, parseShape, type Shape } from "./support/json-shapes.js"

/**
 * The `--json` output of every command is a contract: docs/cli.md's "JSON shapes" section
 * lists a shape per command (and the types they use), and each documented command is run,
 * in the page's order, on a fresh demo store, its JSON checked key by key against the shape.
 */
const page = readFileSync(join(import.meta.dirname, "..", "docs", "cli.md"), "utf8")
const types: Record<string, Shape> = Object.fromEntries(
  codeTable(page, "### Types").map(([name, shape]) => [name, parseShape(shape)]),
)
const commands = codeTable(page, "### Commands")
/** Commands whose output is not data (a script), documented as such in the table. */
const NOT_JSON = new Set(["completion"])

let dir: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-shapes-"))
  writeFileSync(join(dir, "notes.txt"), "hello\n")
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The JSON documents a command printed: one, or one per line (`events tail`). */
function documents(stdout: string): unknown[] {
  try {
    return [JSON.parse(stdout)]
  } catch {
    return stdout
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l))
  }
}

describe("--json shapes are documented and kept", () => {
  it("every command of the table has a documented shape", () => {
    expect(Object.keys(types).length).toBeGreaterThan(10)
    const documented = new Set(
      commands.map(([line]) => chooseEntry(shellWords(line).slice(1), COMMANDS)?.name),
    )
    for (const entry of COMMANDS.filter((e) => !e.hidden))
      expect(documented, `no JSON shape for "${entry.name}"`).toContain(entry.name)
  })

  it("each command's JSON has exactly the documented keys", async () => {
    for (const [line, shapeText] of commands) {
      const argv = shellWords(line).slice(1)
      if (NOT_JSON.has(argv[0] as string)) continue
      const r = await agentstore(["--json", ...argv], { cwd: dir })
      expect(r.stderr, line).toBe("")
      expect(r.code, line).toBe(0)
      const shape = parseShape(shapeText)
      const docs = documents(r.stdout)
      expect(docs.length, line).toBeGreaterThan(0)
      for (const doc of docs) expect(mismatches(doc, shape, types), line).toEqual([])
    }
  })
})
