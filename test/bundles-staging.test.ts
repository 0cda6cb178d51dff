import { type ChildProcess, spawn } from "node:child_process"
import { once } from "node:events"
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { importBundle } from "../src/bundles/import.js"
import { openStore, type Store } from "../src/index.js"
import { exportToBuffer, source } from "./support/bundles.js"
import { agentstore } from "./support/cli.js"

const CHILD = join(import.meta.dirname, "children", "import-stdin.mjs")
let dir: string
let store: Store
let bundle: Buffer

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-staging-"))
  store = await openStore(join(dir, "store"))
  const session = await store.sessions.create({ agent: "a" })
  for (let i = 0; i < 400; i++) {
    await store.events.append({ kind: "output", sessionId: session.id, text: "e".repeat(512) })
  }
  bundle = await exportToBuffer(store)
})
afterAll(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

const staged = (tempDir: string) =>
  readdirSync(tempDir).filter((n) => n.startsWith("agentstore-import-"))

/** A child import that has read half the bundle and waits for the rest on stdin. */
async function stalledImport(tempDir: string): Promise<{ child: ChildProcess; out: string[] }> {
  const child = spawn(process.execPath, [CHILD, join(dir, "store"), tempDir])
  const own = `agentstore-import-${child.pid}@`
  const out: string[] = []
  child.stdout?.setEncoding("utf8").on("data", (s: string) => out.push(s))
  child.stderr?.setEncoding("utf8").on("data", (s: string) => out.push(s))
  child.stdin?.write(bundle.subarray(0, bundle.length >> 1))
  for (let waited = 0; !staged(tempDir).some((n) => n.startsWith(own)); waited += 20) {
    if (waited > 30_000 || child.exitCode !== null) throw new Error(`no staging: ${out.join("")}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return { child, out }
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = once(child, "exit")
  child.kill("SIGKILL")
  await exited
}

describe("import staging left by killed imports (R2)", () => {
  it("the next import removes the staging of a killed import", async () => {
    const tempDir = join(dir, "tmp-next")
    mkdirSync(tempDir)
    for (let i = 0; i < 4; i++) {
      await kill((await stalledImport(tempDir)).child)
      expect(staged(tempDir), "each import removed the one killed before it").toHaveLength(1)
    }
    await importBundle(store, source(bundle), { tempDir, namespace: "next" })
    expect(staged(tempDir)).toEqual([])
  })

  it("an import running in another process keeps its staging and completes", async () => {
    const tempDir = join(dir, "tmp-live")
    mkdirSync(tempDir)
    const { child, out } = await stalledImport(tempDir)
    const live = staged(tempDir)
    expect(live).toHaveLength(1)
    await importBundle(store, source(bundle), { tempDir, namespace: "beside" })
    expect(staged(tempDir)).toEqual(live)
    const exited = once(child, "exit")
    child.stdin?.end(bundle.subarray(bundle.length >> 1))
    const [code] = await exited
    expect(out.join(""), out.join("")).toBe("done 400\n")
    expect(code).toBe(0)
    expect(staged(tempDir)).toEqual([])
  })

  it("agentstore gc removes the staging of killed imports (TMPDIR) and reports it", async () => {
    const tempDir = join(dir, "tmp-gc")
    mkdirSync(tempDir)
    await kill((await stalledImport(tempDir)).child)
    expect(staged(tempDir)).toHaveLength(1)
    const gc = await agentstore(["--json", "--store", "./store", "gc", "--yes"], {
      cwd: dir,
      env: { TMPDIR: tempDir },
    })
    expect(gc.code, gc.stderr).toBe(0)
    expect(JSON.parse(gc.stdout).importStagingRemoved).toBe(1)
    expect(staged(tempDir)).toEqual([])
  })
})
