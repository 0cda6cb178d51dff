import { randomBytes } from "node:crypto"
import pg from "pg"
import { describe } from "vitest"
import {
  createPostgresBackend,
  type PostgresBackend,
  type PostgresConfig,
} from "../../src/backends/postgres/index.js"

/** The server the PostgreSQL tests use. */
export const PG_URL =
  process.env.AGENTSTORE_TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/test"

function redacted(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.password = parsed.password ? "***" : ""
    return parsed.toString()
  } catch {
    return "(unparseable AGENTSTORE_TEST_PG_URL)"
  }
}

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5_000 })
  client.on("error", () => {})
  try {
    await client.connect()
    await client.query("SELECT 1")
    return undefined
  } catch (error) {
    return (error as Error).message || String(error)
  } finally {
    await client.end().catch(() => {})
  }
}

const failure = await probe()
if (failure !== undefined) {
  const line = `PostgreSQL at ${redacted(PG_URL)} is unreachable (${failure})`
  // In CI an unreachable server fails the run; elsewhere the PostgreSQL tests are skipped.
  if (process.env.CI === "true") throw new Error(`${line}; CI=true requires it`)
  console.log(`skipping PostgreSQL tests: ${line}; set AGENTSTORE_TEST_PG_URL to run them`)
}

/** True when the test server answered. */
export const pgAvailable: boolean = failure === undefined

/** `describe` that runs only when the test server is reachable. */
export function describePg(name: string, fn: () => void): void {
  describe.skipIf(!pgAvailable)(name, fn)
}

/** A schema name no other test uses. */
export function freshSchema(): string {
  return `t_${randomBytes(8).toString("hex")}`
}

/** Runs one statement on the test server with a short-lived connection. */
export async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    return await client.query(sql, params)
  } finally {
    await client.end()
  }
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
}

/** A migrated backend in a fresh schema (or `schema`) of the test server. */
export function openTestBackend(
  config: Omit<PostgresConfig, "url" | "pool"> = {},
): Promise<PostgresBackend> {
  return createPostgresBackend({ url: PG_URL, schema: freshSchema(), poolSize: 4, ...config })
}

/**
 * A conformance target: every `create` makes a fresh schema; `destroy` closes the backend and
 * drops the schema; `connect` opens a second pool on the same schema.
 */
export function postgresTarget(name = "postgres") {
  return {
    name,
    create: (): Promise<PostgresBackend> => openTestBackend(),
    async destroy(backend: PostgresBackend): Promise<void> {
      await backend.close()
      await dropSchema(backend.schema)
    },
    connect: (backend: PostgresBackend): Promise<PostgresBackend> =>
      createPostgresBackend({ url: PG_URL, schema: backend.schema, poolSize: 4 }),
  }
}
