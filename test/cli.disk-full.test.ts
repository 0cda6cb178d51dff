import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openStore } from "../src/index.js"
import { agentstore } from "./support/cli.js"
import { listTree, useSmallDisk } from "./support/disk-full.js"

const disk = useSmallDisk(6)
let dir: string
const run = (args: string[], env: Record<string, string> = {}) =>
  agentstore(["--store", "./store", ...args], { cwd: dir, env })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-full-"))
  const store = await openStore(join(dir, "store"))
  const session = await store.sessions.create({ agent: "a" })
  for (let i = 0; i < 300; i++) {
    await store.events.append({ kind: "output", sessionId: session.id, text: "e".repeat(2048) })
  }
  await store.close()
  expect((await run(["export", "-o", "bundle.ndjson"])).code).toBe(0)
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe("CLI on a full disk (R4, built binary)", () => {
  it.each(["bundle.ndjson", "bundle.ndjson.gz"])(
    "export -o %s onto a full disk: exit 1, a typed message, no .partial left",
    async (name) => {
      disk.fill()
      const r = await run(["export", "-o", join(disk.dir, name)])
      expect(r.stderr).toMatch(/^error UNAVAILABLE: the disk is full/)
      expect(r.code).toBe(1)
      expect(listTree(disk.dir)).toEqual(["filler"])
    },
  )

  it("import with a full staging directory: exit 1, a typed message, staging removed, 0 rows", async () => {
    disk.fill(64 * 1024)
    const env = { TMPDIR: disk.dir }
    const r = await run(["import", "bundle.ndjson", "--into", "copy"], env)
    expect(r.stderr).toMatch(/^error UNAVAILABLE: the disk is full/)
    expect(r.code).toBe(1)
    expect(listTree(disk.dir)).toEqual(["filler"])
    const list = await run(["--json", "--namespace", "copy", "sessions", "list"])
    expect(JSON.parse(list.stdout).items).toEqual([])
    disk.free()
    const again = await run(["--json", "import", "bundle.ndjson", "--into", "copy"], env)
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout).counts.event).toBe(300)
    expect(listTree(disk.dir)).toEqual([])
  })
})
