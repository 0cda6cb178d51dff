import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { agentstore, BIN } from "./support/cli.js"

let dir: string
const run = (...args: string[]) => agentstore(args, { cwd: dir })
const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`

/** Runs the CLI on a real pseudo-terminal (util-linux `script`), typing `answer` once asked. */
function onTerminal(args: string[], answer: string): Promise<{ code: number | null; out: string }> {
  const command = [process.execPath, BIN, ...args].map(quote).join(" ")
  const child = spawn("script", ["-qec", command, "/dev/null"], { cwd: dir })
  let out = ""
  let answered = false
  child.stdout.setEncoding("utf8").on("data", (s: string) => {
    out += s
    if (!answered && out.includes("[y/N]")) {
      answered = true
      child.stdin.write(`${answer}\n`)
    }
  })
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, out })))
}

const exists = async (id: string) => (await run("sessions", "show", id)).code === 0

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-confirm-"))
  expect((await run("demo")).code).toBe(0)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("destructive commands ask on a terminal and need --yes without one", () => {
  it("without a terminal: refused (exit 2, nothing changed) unless --yes", async () => {
    for (const args of [
      ["sessions", "delete", "demo-coder-2"],
      ["plan", "cancel", "demo-plan-1"],
      ["gc", "--events-per-session", "1"],
      ["migrate", "--to", "0"],
    ]) {
      const r = await run(...args)
      expect({ args, code: r.code }).toEqual({ args, code: 2 })
      expect(r.stderr).toContain("--yes")
    }
    expect(await exists("demo-coder-2")).toBe(true)
    const plan = JSON.parse((await run("--json", "plan", "status", "demo-plan-1")).stdout)
    expect(plan.plan.status).toBe("ready")
    expect(JSON.parse((await run("--json", "events", "summary")).stdout).total).toBe(19)
  })

  it("on a terminal: 'n' keeps the session, 'y' deletes it", async () => {
    const no = await onTerminal(["sessions", "delete", "demo-coder-2"], "n")
    expect(no.out).toContain("cannot be undone. Continue? [y/N]")
    expect(no.code).not.toBe(0)
    expect(await exists("demo-coder-2")).toBe(true)
    const yes = await onTerminal(["sessions", "delete", "demo-coder-2"], "y")
    expect(yes.out).toContain("deleted session demo-coder-2")
    expect(yes.code).toBe(0)
    expect(await exists("demo-coder-2")).toBe(false)
  })

  it("--yes goes ahead without asking", async () => {
    expect((await run("plan", "cancel", "demo-plan-1", "--yes")).code).toBe(0)
    const plan = JSON.parse((await run("--json", "plan", "status", "demo-plan-1")).stdout)
    expect(plan.plan.status).toBe("cancelled")
    const gc = await run("gc", "--events-per-session", "1", "-y")
    expect(gc.code).toBe(0)
    expect(gc.stdout).toMatch(/^events\s+[1-9]/m)
  })
})
