import { spawnSync } from "node:child_process"
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { agentstore, BIN } from "./support/cli.js"

let dir: string
let marker: string
const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`
/** More lines than the 10-row terminal the tests set up. */
const LONG = ["events", "query"]
const SHORT = ["plan", "list"]

/**
 * Runs the CLI on a real pseudo-terminal (util-linux `script`) of 10 rows and returns what
 * the terminal showed.
 */
function onTerminal(args: string[], env: Record<string, string | undefined> = {}): string {
  const command = `stty rows 10 cols 200; ${[process.execPath, BIN, ...args].map(quote).join(" ")}`
  const r = spawnSync("script", ["-qec", command, "/dev/null"], {
    cwd: dir,
    env: { ...process.env, PAGER: undefined, AGENTSTORE_PAGER: undefined, ...env },
    encoding: "utf8",
  })
  expect(r.status).toBe(0)
  return r.stdout
}

/** What the pager script received, or undefined when no pager ran. */
const paged = () => (existsSync(marker) ? readFileSync(marker, "utf8") : undefined)

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-pager-"))
  marker = join(dir, "paged.txt")
  const pager = join(dir, "pager.sh")
  writeFileSync(pager, `#!/bin/sh\n{ echo "args: $*"; cat; } > ${quote(marker)}\n`)
  chmodSync(pager, 0o755)
  mkdirSync(join(dir, "bin"))
  writeFileSync(join(dir, "bin", "less"), `#!/bin/sh\nexec ${quote(pager)} "$@"\n`)
  chmodSync(join(dir, "bin", "less"), 0o755)
  expect((await agentstore(["demo"], { cwd: dir })).code).toBe(0)
})
beforeEach(() => rmSync(marker, { force: true }))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("long output on a terminal goes through a pager", () => {
  it("$PAGER gets the whole output when it is longer than the terminal", () => {
    const shown = onTerminal(LONG, { PAGER: "./pager.sh" })
    const got = paged()
    expect(got).toMatch(/^args: \nCURSOR\s+TIME/)
    expect(got).toContain("demo-coder-2")
    expect(got?.split("\n").length).toBeGreaterThan(10)
    expect(shown).not.toContain("CURSOR")
  })

  it("without $PAGER: less -FRX when less is on the PATH", () => {
    onTerminal(LONG, { PATH: `${join(dir, "bin")}:${process.env.PATH}` })
    expect(paged()).toMatch(/^args: -FRX\nCURSOR/)
  })

  it("AGENTSTORE_PAGER comes before PAGER", () => {
    onTerminal(LONG, { AGENTSTORE_PAGER: "./pager.sh", PAGER: "cat" })
    expect(paged()).toContain("CURSOR")
  })

  it("short output is printed directly", () => {
    const shown = onTerminal(SHORT, { PAGER: "./pager.sh" })
    expect(paged()).toBeUndefined()
    expect(shown).toContain("demo-plan-1")
  })

  it("off with --no-pager, AGENTSTORE_PAGER= and PAGER=cat", () => {
    for (const [args, env] of [
      [["--no-pager", ...LONG], { PAGER: "./pager.sh" }],
      [LONG, { AGENTSTORE_PAGER: "", PAGER: "./pager.sh" }],
      [LONG, { PAGER: "cat", PATH: `${join(dir, "bin")}:${process.env.PATH}` }],
    ] as const) {
      const shown = onTerminal([...args], env)
      expect(paged()).toBeUndefined()
      expect(shown).toContain("demo-coder-2")
    }
  })

  it("off when stdout is not a terminal", async () => {
    const r = await agentstore(LONG, { cwd: dir, env: { PAGER: "./pager.sh" } })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("demo-coder-2")
    expect(paged()).toBeUndefined()
  })
})
