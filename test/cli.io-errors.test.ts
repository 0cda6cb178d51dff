import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openStore } from "../src/index.js"
import { agentstore, BIN } from "./support/cli.js"

let dir: string
const run = (...args: string[]) => agentstore(args, { cwd: dir })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-io-"))
  const store = await openStore(join(dir, ".agentstore"))
  const session = await store.sessions.create({ id: "big", agent: "coder" })
  const text = "x".repeat(400)
  for (let i = 0; i < 10; i++) {
    await store.events.appendMany(
      Array.from({ length: 100 }, () => ({ kind: "output", sessionId: session.id, text })),
    )
  }
  await store.artifacts.put(Buffer.alloc(512 * 1024, 7), { handle: "blob.bin" })
  await store.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("a missing file is a typed error naming the path, never a Node stack", () => {
  for (const [label, args] of [
    ["import", ["import", "/missing/file.ndjson"]],
    ["artifacts put", ["artifacts", "put", "/missing/file.txt"]],
    ["export -o into a missing directory", ["export", "-o", "/missing-dir/x.ndjson"]],
  ] as const) {
    it(label, async () => {
      const r = await run(...args)
      expect(r.stderr).not.toContain("Unhandled")
      expect(r.stderr).not.toMatch(/\n\s+at /)
      expect(r.stderr).toMatch(/^error NOT_FOUND: .*\/missing/)
      expect(r.code).toBe(3)
    })
  }

  it("with --json the same error is a JSON document", async () => {
    const r = await run("--json", "import", "/missing/file.ndjson")
    expect(r.code).toBe(3)
    expect(JSON.parse(r.stderr).error).toMatchObject({
      code: "NOT_FOUND",
      details: { path: "/missing/file.ndjson" },
    })
  })
})

/** Runs the CLI with its stdout piped into `reader` (a real child), which may close early. */
function piped(args: string[], reader: string[], whileRunning?: () => Promise<void>) {
  const cli = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  })
  const head = spawn(reader[0] as string, reader.slice(1), {
    stdio: [cli.stdout, "pipe", "ignore"],
  })
  cli.stdout.destroy()
  let stderr = ""
  let out = ""
  cli.stderr.setEncoding("utf8").on("data", (s: string) => {
    stderr += s
  })
  head.stdout.setEncoding("utf8").on("data", (s: string) => {
    out += s
  })
  const code = new Promise<number | null>((resolve) => cli.on("close", resolve))
  let done = false
  void code.then(() => {
    done = true
  })
  const feeding = (async () => {
    while (whileRunning && !done) await whileRunning()
  })()
  return Promise.all([code, feeding])
    .then(([c]) => ({ code: c, stderr, out }))
    .finally(() => {
      if (cli.exitCode === null) cli.kill("SIGKILL")
    })
}

describe("a reader that closes the pipe early ends the CLI quietly", () => {
  it("events query | head -2", async () => {
    const r = await piped(["events", "query", "--limit", "1000"], ["head", "-2"])
    expect(r.out.split("\n")).toHaveLength(3)
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
  })

  it("events query into a reader that closed before the first write", async () => {
    const r = await piped(["events", "query", "--limit", "5"], ["sh", "-c", "exec <&-; sleep 2"])
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
  })

  it("export -o - | head -c 100", async () => {
    const r = await piped(["export", "-o", "-"], ["head", "-c", "100"])
    expect(r.out).toHaveLength(100)
    expect(r.stderr).toBe("")
    expect(r.code).toBe(0)
    expect(existsSync(join(dir, ".agentstore", "store.db"))).toBe(true)
  })

  it("--json events tail | head -1, while events keep arriving", async () => {
    const store = await openStore(join(dir, ".agentstore"))
    try {
      let sent = 0
      const r = await piped(["--json", "events", "tail"], ["head", "-1"], async () => {
        if (sent++ > 200) throw new Error("the CLI never noticed the closed pipe")
        await store.events.append({ kind: "output", text: `live ${sent}` })
        await new Promise((resolve) => setTimeout(resolve, 50))
      })
      expect(JSON.parse(r.out).kind).toBe("output")
      expect(r.stderr).toBe("")
      expect(r.code).toBe(0)
    } finally {
      await store.close()
    }
  })
})
