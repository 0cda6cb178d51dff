import { execFileSync, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { COMMANDS } from "../src/cli/commands/index.js"
import { agentstore, BIN } from "./support/cli.js"

let dir: string
let empty: string
const scripts: Record<string, string> = {}
const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`
/** `agentstore` inside the shells: the built CLI. */
const BASH_DEFINE = `agentstore() { ${quote(process.execPath)} ${quote(BIN)} "$@"; }`

/** Runs the bash completion function on `line` (the word under the cursor last) in `cwd`. */
function bash(line: string[], cwd = dir): string[] {
  const words = line.map(quote).join(" ")
  const program = [
    BASH_DEFINE,
    `source ${quote(scripts.bash as string)}`,
    `COMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}; COMP_LINE=${quote(line.join(" "))}`,
    "_agentstore",
    `printf '%s\\n' "\${COMPREPLY[@]}"`,
  ].join("\n")
  const r = spawnSync("bash", ["--norc", "-c", program], { cwd, encoding: "utf8" })
  expect(r.stderr).toBe("")
  expect(r.status).toBe(0)
  return r.stdout.split("\n").filter((w) => w !== "")
}

/** What fish offers for `line` (`complete -C`), without descriptions. */
function fish(line: string): string[] {
  const program = [
    `function agentstore; ${quote(process.execPath)} ${quote(BIN)} $argv; end`,
    `source ${quote(scripts.fish as string)}`,
    `complete -C${quote(line)}`,
  ].join("\n")
  const r = spawnSync("fish", ["--no-config", "-c", program], { cwd: dir, encoding: "utf8" })
  expect(r.stderr).toBe("")
  return r.stdout
    .split("\n")
    .filter((w) => w !== "")
    .map((w) => w.split("\t")[0] as string)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-completion-"))
  empty = join(dir, "empty")
  mkdirSync(empty)
  expect((await agentstore(["demo"], { cwd: dir })).code).toBe(0)
  for (const shell of ["bash", "zsh", "fish"]) {
    const r = await agentstore(["completion", shell], { cwd: dir })
    expect(r.code).toBe(0)
    scripts[shell] = join(dir, `agentstore.${shell}`)
    writeFileSync(scripts[shell], r.stdout)
  }
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("bash completion, run in bash", () => {
  it("every command and subcommand of the command table, and no hidden ones", () => {
    const top = bash(["agentstore", ""])
    for (const entry of COMMANDS.filter((e) => !e.hidden)) {
      const [first, second] = entry.name.split(" ") as [string, string | undefined]
      expect(top).toContain(first)
      if (second) expect(bash(["agentstore", first, ""])).toContain(second)
    }
    expect(top).not.toContain("__complete")
    expect(bash(["agentstore", "sessions", "sh"])).toEqual(["show"])
  })

  it("a command's flags and the global ones, after global options with values", () => {
    expect(bash(["agentstore", "events", "query", "--ki"])).toEqual(["--kind"])
    const flags = bash(["agentstore", "--store", "./.agentstore", "events", "query", "--"])
    for (const f of ["--session", "--cursor", "--desc", "--json", "--store", "--no-pager"])
      expect(flags).toContain(f)
    expect(flags).not.toContain("--after")
    expect(bash(["agentstore", "--color", ""])).toEqual(["auto", "always", "never"])
    expect(bash(["agentstore", "completion", ""])).toEqual(["bash", "zsh", "fish"])
  })

  it("session, plan and artifact ids from the store in --store", () => {
    expect(bash(["agentstore", "sessions", "show", "demo-c"]).sort()).toEqual([
      "demo-coder-1",
      "demo-coder-2",
    ])
    expect(bash(["agentstore", "plan", "diff", ""])).toEqual(["demo-plan-1"])
    expect(bash(["agentstore", "events", "query", "--session", "demo-p"])).toEqual([
      "demo-planner-1",
    ])
    expect(bash(["agentstore", "artifacts", "drill", "demo-i"])).toEqual(["demo-invoices.csv"])
    const elsewhere = [
      "agentstore",
      "--store",
      join(dir, ".agentstore"),
      "sessions",
      "show",
      "demo-p",
    ]
    expect(bash(elsewhere, empty)).toEqual(["demo-planner-1"])
  })

  it("no store: no ids, no noise, and no store created", () => {
    expect(bash(["agentstore", "sessions", "show", ""], empty)).toEqual([])
    expect(existsSync(join(empty, ".agentstore"))).toBe(false)
  })
})

describe("zsh and fish", () => {
  beforeAll(() => {
    const missing = ["zsh", "fish"].filter((shell) => spawnSync(shell, ["-c", "true"]).error)
    if (missing.length > 0) {
      throw new Error(
        `${missing.join(" and ")} missing: apt-get install -y zsh fish (.ci/run does)`,
      )
    }
  })

  it("the zsh script is valid zsh and completes through bashcompinit", () => {
    execFileSync("zsh", ["-n", scripts.zsh as string])
    const program = [
      "autoload -U +X compinit && compinit -u",
      `agentstore() { ${quote(process.execPath)} ${quote(BIN)} "$@"; }`,
      `source ${quote(scripts.zsh as string)}`,
      "emulate -L sh",
      "COMP_WORDS=(agentstore plan st); COMP_CWORD=2",
      "_agentstore",
      `printf "%s\\n" "\${COMPREPLY[@]}"`,
    ].join("\n")
    const out = execFileSync("zsh", ["-f", "-c", program], { cwd: dir, encoding: "utf8" })
    // zsh's compgen leaves filtering by the typed prefix to zsh's own matcher.
    expect(out.trim().split("\n")).toEqual(["list", "status", "diff", "apply", "cancel"])
  })

  it("fish completes commands, flags and ids", () => {
    execFileSync("fish", ["--no-execute", scripts.fish as string])
    expect(fish("agentstore sessions sh")).toEqual(["show"])
    expect(fish("agentstore events query --ki")).toEqual(["--kind"])
    expect(fish("agentstore sessions show demo-c").sort()).toEqual(["demo-coder-1", "demo-coder-2"])
    expect(fish("agentstore plan status ")).toEqual(["demo-plan-1"])
    expect(fish("agentstore ")).toContain("artifacts")
  })
})

it("an unknown shell is a usage error", async () => {
  const r = await agentstore(["completion", "tcsh"], { cwd: dir })
  expect(r.code).toBe(2)
  expect(r.stderr).toContain("bash, zsh or fish")
})
