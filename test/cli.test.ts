import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { migrations } from "../src/backends/sqlite/migrations/index.js"
import { latestVersion } from "../src/core/migrations.js"
import { openStore } from "../src/index.js"

const LATEST = latestVersion(migrations)

import { agentstore, BIN } from "./support/cli.js"

let dir: string
const run = (...args: string[]) => agentstore(args, { cwd: dir })
const json = async (...args: string[]) => {
  const r = await run("--json", ...args)
  expect(r.stderr).toBe("")
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-"))
  const r = await run("demo")
  expect(r.code).toBe(0)
  expect(r.stdout).toContain("Try next:")
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("agentstore CLI (built binary, SQLite store in a temp dir)", () => {
  it("init creates a store and reports its schema version; demo is idempotent", async () => {
    const fresh = mkdtempSync(join(tmpdir(), "agentstore-cli-init-"))
    try {
      const init = await agentstore(["init", "--store", "./s"], { cwd: fresh })
      expect(init).toMatchObject({
        code: 0,
        stdout: `store ready at ./s (schema version ${LATEST})\n`,
      })
      const env = { AGENTSTORE_URL: "./via-env" }
      expect((await agentstore(["--json", "init"], { cwd: fresh, env })).stdout).toContain(
        '"./via-env"',
      )
    } finally {
      rmSync(fresh, { recursive: true, force: true })
    }
    const again = await run("demo")
    expect(again.stdout).toMatch(/^Already seeded/)
  })

  it("migrate --status, and going down needs --allow-down", async () => {
    const status = await json("migrate", "--status")
    expect(status).toMatchObject({ current: LATEST, latest: LATEST })
    const store = mkdtempSync(join(tmpdir(), "agentstore-cli-mig-"))
    try {
      const opts = { cwd: store }
      expect((await agentstore(["init"], opts)).code).toBe(0)
      const refused = await agentstore(["migrate", "--to", "0"], opts)
      expect(refused.code).toBe(2)
      expect(refused.stderr).toContain("--yes")
      const down = await agentstore(["migrate", "--to", "0", "--yes"], opts)
      expect(down).toMatchObject({
        code: 0,
        stdout: `schema version ${LATEST} → 0 (latest ${LATEST})\n`,
      })
      expect((await agentstore(["migrate"], opts)).stdout).toBe(
        `schema version 0 → ${LATEST} (latest ${LATEST})\n`,
      )
    } finally {
      rmSync(store, { recursive: true, force: true })
    }
  })

  it("sessions list/show/rename/pin/delete", async () => {
    const list = await run("sessions", "list")
    expect(list.code).toBe(0)
    expect(list.stdout.split("\n")[0]).toMatch(
      /^ID\s+AGENT\s+#\s+TITLE\s+MESSAGES\s+TOKENS\s+UPDATED$/,
    )
    expect(list.stdout).toContain("[pinned] Plan the invoice totals refactor")
    const page = await json("sessions", "list", "--agent", "coder")
    expect(page.items.map((s: { id: string }) => s.id).sort()).toEqual([
      "demo-coder-1",
      "demo-coder-2",
    ])
    const show = await run("sessions", "show", "demo-coder-1")
    expect(show.stdout).toContain(
      "tokens:      input 54,880, output 7,940, total 62,820, reasoning 3,100",
    )
    expect((await json("sessions", "show", "demo-coder-1")).events.total).toBe(11)
    expect((await run("sessions", "rename", "demo-coder-2", "Flaky clock")).stdout).toBe(
      'renamed demo-coder-2 to "Flaky clock"\n',
    )
    expect((await json("sessions", "pin", "demo-coder-2")).metadata.pinned).toBe(true)
    expect((await json("sessions", "unpin", "demo-coder-2")).metadata.pinned).toBe(false)
    const missing = await run("sessions", "show", "nope")
    expect(missing).toMatchObject({ code: 3, stderr: "error NOT_FOUND: session not found: nope\n" })
  })

  it("messages list and append (argument, JSON, stdin, optimistic sequence)", async () => {
    const list = await run("messages", "list", "demo-coder-1", "--latest", "2")
    expect(
      list.stdout
        .split("\n")
        .slice(1, 3)
        .map((l) => l.split(" ")[0]),
    ).toEqual(["6", "7"])
    expect(
      await run("messages", "append", "demo-coder-2", "--role", "user", "--content", "hi"),
    ).toMatchObject({
      code: 0,
    })
    const piped = await agentstore(
      ["--json", "messages", "append", "demo-coder-2", "--role", "user"],
      {
        cwd: dir,
        input: "from stdin",
      },
    )
    expect(JSON.parse(piped.stdout)).toMatchObject({ content: "from stdin", sequence: 4 })
    const parts = await json(
      "messages",
      "append",
      "demo-coder-2",
      "--role",
      "assistant",
      "--content-json",
      '[{"type":"text","text":"ok"}]',
    )
    expect(parts.content).toEqual([{ type: "text", text: "ok" }])
    const stale = await run(
      "messages",
      "append",
      "demo-coder-2",
      "--content",
      "x",
      "--expected-sequence",
      "1",
    )
    expect(stale.code).toBe(4)
    expect(stale.stderr).toMatch(/^error CONFLICT: /)
  })

  it("events query/summary and tools list/show", async () => {
    const q = await json(
      "events",
      "query",
      "--session",
      "demo-coder-1",
      "--kind",
      "tool_use,tool_result",
    )
    expect(q.events.map((e: { kind: string }) => e.kind)).toEqual([
      "tool_use",
      "tool_result",
      "tool_use",
      "tool_result",
      "tool_use",
    ])
    const table = await run("events", "query", "--limit", "2")
    expect(table.stdout).toMatch(/^CURSOR\s+TIME \(UTC\)\s+KIND/)
    expect(table.stdout).toContain("more: agentstore events query --limit 2 --cursor 2")
    const summary = await json("events", "summary")
    expect(summary).toMatchObject({ total: 19, sessions: 3 })
    expect(Object.keys(summary.byKind)).toHaveLength(9)
    const tools = await json("tools", "list", "--status", "failed")
    expect(tools.items.map((t: { id: string }) => t.id)).toEqual(["demo-tool-3"])
    expect((await run("tools", "show", "demo-tool-3")).stdout).toContain('"exitCode": 1')
  })

  it("events tail prints the last events, then follows new ones", async () => {
    const child = spawn(
      process.execPath,
      [BIN, "--json", "events", "tail", "--last", "2", "--max", "4"],
      {
        cwd: dir,
      },
    )
    let out = ""
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      out += s
    })
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve))
    while (out.split("\n").length < 3) await new Promise((r) => setTimeout(r, 20))
    const store = await openStore(join(dir, ".agentstore"))
    await store.events.append({ kind: "output", text: "live 1" })
    await store.events.append({ kind: "output", text: "live 2" })
    await store.close()
    expect(await closed).toBe(0)
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(4)
    expect(lines[1].text).toBe("The test reads the system clock.")
    expect(lines.slice(2).map((e) => e.text)).toEqual(["live 1", "live 2"])
  })

  it("export and import round trip through files, with exit 5 on a tampered bundle", async () => {
    const exportRun = await run("--json", "export", "-o", "all.ndjson.gz")
    expect(exportRun.stderr).toBe("")
    const exported = JSON.parse(exportRun.stdout)
    expect(exported).toMatchObject({ gzip: true, counts: { session: 3, event: 21 } })
    const imported = await json("import", "all.ndjson.gz", "--into", "copy")
    expect(imported).toMatchObject({ namespace: "copy", counts: exported.counts })
    const copy = await json("--namespace", "copy", "events", "summary")
    expect(copy.total).toBe(21)
    const plain = await run("export", "-o", "one.ndjson", "--session", "demo-coder-1")
    expect(plain.stdout).toMatch(/^exported 1 session, 7 messages, 11 events, 4 tool invocations/)
    const bytes = readFileSync(join(dir, "one.ndjson"))
    bytes[200] = (bytes[200] as number) ^ 1
    writeFileSync(join(dir, "bad.ndjson"), bytes)
    const bad = await run("import", "bad.ndjson", "--into", "bad")
    expect(bad.code).toBe(5)
    expect(bad.stderr).toMatch(/^error INTEGRITY: bundle rejected/)
    expect((await json("--namespace", "bad", "sessions", "list")).items).toEqual([])
    const clash = await run("import", "one.ndjson", "--keep-ids")
    expect(clash.code).toBe(4)
  })

  it("gc applies flags and config files, refuses nonsense, reports the lock hold", async () => {
    const dry = await json("gc", "--events-per-session", "1", "--dry-run")
    expect(dry.dryRun).toBe(true)
    expect(dry.deleted.events).toBeGreaterThan(0)
    writeFileSync(
      join(dir, "policy.json"),
      JSON.stringify({ namespaces: { "*": { events: { maxPerSession: 1 } } } }),
    )
    const real = await run("gc", "--config", "policy.json", "--yes")
    expect(real.code).toBe(0)
    expect(real.stdout).toMatch(/longest write-lock hold \d+\.\d ms/)
    const after = await json("events", "query", "--session", "demo-coder-1")
    expect(after.events).toHaveLength(1)
    expect((await json("events", "query", "--session", "demo-planner-1")).events).toHaveLength(5)
    for (const bad of [
      ["--events-max-age", "0d"],
      ["--events-max-age", "-5d"],
      ["--events-per-session", "0"],
      ["--events-max-age", "soon"],
    ]) {
      const r = await run("gc", ...bad)
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/^error VALIDATION/)
    }
  })

  it("usage errors exit 2, --verbose adds a stack, sessions delete", async () => {
    expect((await run("sessions", "frobnicate")).code).toBe(2)
    expect((await run("sessions", "show")).code).toBe(2)
    expect((await run("--help")).code).toBe(0)
    const verbose = await run("--verbose", "tools", "show", "nope")
    expect(verbose.code).toBe(3)
    expect(verbose.stderr).toMatch(/NotFoundError: tool invocation not found: nope\n\s+at /)
    expect((await run("sessions", "delete", "demo-coder-2", "--yes")).stdout).toBe(
      "deleted session demo-coder-2\n",
    )
    expect((await run("sessions", "delete", "demo-coder-2", "--yes")).code).toBe(3)
  })
})
