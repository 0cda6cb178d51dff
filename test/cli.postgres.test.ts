import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, expect, it } from "vitest"
import { agentstore } from "./support/cli.js"
import { describePg, dropSchema, freshSchema, PG_URL } from "./support/postgres.js"

describePg("agentstore CLI on PostgreSQL (built binary)", () => {
  const schema = freshSchema()
  let dir: string
  let url: string
  const run = (...args: string[]) => agentstore(["--store", url, ...args], { cwd: dir })

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "agentstore-cli-pg-"))
    const u = new URL(PG_URL)
    u.searchParams.set("schema", schema)
    url = u.toString()
  })
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await dropSchema(schema)
  })

  it("demo, list, export, import, tail and gc work against a PostgreSQL store", async () => {
    expect((await run("demo")).code).toBe(0)
    const list = await run("--json", "sessions", "list")
    expect(JSON.parse(list.stdout).items).toHaveLength(3)
    expect((await run("export", "-o", "pg.ndjson.gz")).code).toBe(0)
    const imported = await run("--json", "import", "pg.ndjson.gz", "--into", "copy")
    expect(JSON.parse(imported.stdout).counts).toEqual({
      session: 3,
      message: 14,
      event: 19,
      tool: 4,
      plan: 1,
      change: 4,
      artifact: 3,
      blob: 9,
    })
    const tail = await run(
      "--json",
      "--namespace",
      "copy",
      "events",
      "tail",
      "--last",
      "3",
      "--max",
      "3",
    )
    expect(tail.stdout.trim().split("\n")).toHaveLength(3)
    const gc = await run("--json", "gc", "--events-per-session", "2", "--yes")
    expect(JSON.parse(gc.stdout).deleted.events).toBe(9)
    expect((await run("import", "pg.ndjson.gz", "--keep-ids")).code).toBe(4)
  })
})
