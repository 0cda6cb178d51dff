import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, expect, it } from "vitest"
import { agentstore, BIN } from "./support/cli.js"

let dir: string
const ESC = "\u001b["

/** Runs the CLI on a real pseudo-terminal (util-linux `script`) and returns what it printed. */
function onTerminal(args: string[], env: Record<string, string | undefined> = {}): string {
  const command = [process.execPath, BIN, ...args].join(" ")
  const r = spawnSync("script", ["-qec", command, "/dev/null"], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
    encoding: "utf8",
  })
  expect(r.status).toBe(0)
  return r.stdout
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-color-"))
  expect((await agentstore(["demo"], { cwd: dir })).code).toBe(0)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it("colour: a terminal by default, NO_COLOR and --color never turn it off", () => {
  expect(onTerminal(["plan", "list"])).toContain(ESC)
  expect(onTerminal(["plan", "list"], { NO_COLOR: "1" })).not.toContain(ESC)
  expect(onTerminal(["--color", "never", "plan", "list"])).not.toContain(ESC)
})

it("colour: FORCE_COLOR and --color always colour a pipe", async () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    agentstore(args, { cwd: dir, env })
  expect((await run(["plan", "list"])).stdout).not.toContain(ESC)
  expect((await run(["plan", "list"], { FORCE_COLOR: "1" })).stdout).toContain(ESC)
  expect((await run(["--color", "always", "plan", "list"])).stdout).toContain(ESC)
  expect((await run(["--color", "always", "--json", "plan", "list"])).stdout).not.toContain(ESC)
})
