import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { afterAll, expect, it } from "vitest"
import { openStore } from "../src/index.js"
import { describePg, dropSchema, freshSchema, PG_URL } from "./support/postgres.js"

const root = fileURLToPath(new URL("..", import.meta.url))

/** Runs a module script in a fresh Node process (imports `dist/`) and returns what it printed. */
function runNode(script: string): unknown {
  const prelude = `
    const { createRequire } = await import("node:module")
    const cache = createRequire(import.meta.url).cache
    const pgLoaded = () => Object.keys(cache).some((path) => /[\\\\/]node_modules[\\\\/]pg[\\\\/]/.test(path))`
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", prelude + script], {
    cwd: root,
    encoding: "utf8",
  })
  return JSON.parse(out)
}

it("does not load pg when agentstore is used with SQLite, and loads it for agentstore/postgres", () => {
  const result = runNode(`
    const { openStore } = await import("agentstore")
    const store = await openStore(":memory:")
    await store.sessions.create({ agent: "a" })
    await store.close()
    const before = pgLoaded()
    const { createPostgresBackend } = await import("agentstore/postgres")
    console.log(JSON.stringify({ before, after: pgLoaded(), factory: typeof createPostgresBackend }))`)
  expect(result).toEqual({ before: false, after: true, factory: "function" })
})

describePg("openStore with a postgres:// URL", () => {
  const schema = freshSchema()
  afterAll(() => dropSchema(schema))

  it("opens the PostgreSQL backend in the schema the URL names", async () => {
    const url = new URL(PG_URL)
    url.searchParams.set("schema", schema)
    url.searchParams.set("poolSize", "3")
    url.searchParams.set("statementTimeoutMs", "5000")
    await using store = await openStore(url.toString())
    expect(store.backend.name).toBe("postgres")
    const session = await store.sessions.create({ agent: "a", metadata: { k: "\u0000" } })
    expect(await store.sessions.get(session.id)).toEqual(session)
  })

  it("refuses bad pool settings in the URL, naming the field", async () => {
    const url = new URL(PG_URL)
    url.searchParams.set("poolSize", "lots")
    const error = await openStore(url.toString()).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: "VALIDATION", details: { field: "poolSize" } })
  })
})
