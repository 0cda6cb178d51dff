import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { agentstore, BIN, shellWords } from "./support/cli.js"

let dir: string
let demo: string
const run = (...args: string[]) => agentstore(args, { cwd: dir })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-new-"))
  const r = await run("demo")
  expect(r.code).toBe(0)
  demo = r.stdout
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs a command until it prints something, then sends Ctrl-C; resolves with its exit code. */
function interrupted(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir })
  let stdout = ""
  child.stdout.setEncoding("utf8").on("data", (s: string) => {
    if (stdout === "") child.kill("SIGINT")
    stdout += s
  })
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout })))
}

describe("what a newcomer hits", () => {
  it("every hint demo prints works when pasted as is", async () => {
    const hints = demo
      .split("\n")
      .filter((l) => l.startsWith("  agentstore "))
      .map((l) => shellWords(l.trim()).slice(1))
    expect(hints.length).toBeGreaterThan(10)
    for (const hint of hints) {
      const r =
        hint[0] === "events" && hint[1] === "tail" ? await interrupted(hint) : await run(...hint)
      expect({ hint: hint.join(" "), code: r.code }).toEqual({ hint: hint.join(" "), code: 0 })
    }
  })

  it("a read of a mistyped store fails NOT_FOUND naming it and creates nothing", async () => {
    for (const args of [
      ["sessions", "list"],
      ["events", "query"],
      ["--json", "plan", "list"],
    ]) {
      const r = await run("--store", "./nonexist/deep", ...args)
      expect(r.code).toBe(3)
      expect(r.stderr).toContain(join(dir, "nonexist", "deep"))
      expect(existsSync(join(dir, "nonexist"))).toBe(false)
    }
    const sqlite = await run("--store", "sqlite:./nope.db", "sessions", "list")
    expect(sqlite.code).toBe(3)
    expect(existsSync(join(dir, "nope.db"))).toBe(false)
  })

  it("init, import and writes create a store", async () => {
    const fresh = await run("--store", "./created", "messages", "append", "s1", "--content", "hi")
    expect(fresh.code).toBe(3)
    expect(fresh.stderr).toContain("session not found: s1")
    expect(existsSync(join(dir, "created", "store.db"))).toBe(true)
  })

  it("--version, -V and the version command print the version", async () => {
    for (const args of [["--version"], ["-V"], ["version"]]) {
      const r = await run(...args)
      expect(r).toMatchObject({ code: 0, stdout: "0.1.0\n" })
    }
  })

  it("--help names the environment variables", async () => {
    const help = await run("--help")
    expect(help.stdout).toContain("AGENTSTORE_URL")
    expect(help.stdout).toContain("AGENTSTORE_NAMESPACE")
  })
})
