import type pg from "pg"
import type { MigrationStatus } from "../../core/backend.js"
import { MigrationError } from "../../core/errors.js"
import {
  type AppliedMigrationRow,
  checkMigrationTarget,
  latestVersion,
  type Migration,
  migrationChecksum,
  migrationStatus,
  verifyApplied,
} from "../../core/migrations.js"
import type { Connection } from "./connection.js"

const TABLE = "agentstore_migrations"

/**
 * Moves the schema to `target` in one transaction that first takes a transaction-level
 * advisory lock keyed by the schema name: concurrent migrators (any number of processes or
 * machines) queue on the lock, and each re-reads the version after getting it, so a step is
 * applied once and the others find the work done. DDL is transactional in PostgreSQL, so a
 * failed step leaves the schema exactly as it was.
 */
export async function migratePostgres(
  conn: Connection,
  migrations: readonly Migration[],
  target = latestVersion(migrations),
): Promise<MigrationStatus> {
  checkMigrationTarget(target, migrations)
  const applied = await readStatus(conn)
  if ((applied.at(-1)?.version ?? 0) === target && applied.length > 0) {
    verifyApplied(applied, migrations, "postgres")
    return migrationStatus(applied, migrations)
  }
  await conn.transaction(async (client) => {
    await client.query("SET LOCAL statement_timeout = 0")
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
      `agentstore.migrate.${conn.schema}`,
    ])
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${conn.schema}"`)
    await client.query(`SET LOCAL search_path TO "${conn.schema}"`)
    await client.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at bigint NOT NULL)`)
    let current = verifyApplied(await readApplied(conn, client), migrations, "postgres")
    while (current !== target) current = await step(client, migrations, current, target)
  })
  return postgresMigrationStatus(conn, migrations)
}

async function step(
  client: pg.PoolClient,
  migrations: readonly Migration[],
  current: number,
  target: number,
): Promise<number> {
  try {
    if (current < target) {
      const next = migrations.find((m) => m.version === current + 1) as Migration
      await client.query(next.up)
      await client.query(
        `INSERT INTO ${TABLE} (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)`,
        [next.version, next.name, migrationChecksum(next), Date.now()],
      )
      return next.version
    }
    const last = migrations.find((m) => m.version === current) as Migration
    await client.query(last.down)
    await client.query(`DELETE FROM ${TABLE} WHERE version = $1`, [last.version])
    return current - 1
  } catch (cause) {
    throw new MigrationError(
      `migration step from version ${current} failed: ${(cause as Error).message}`,
      { backend: "postgres", from: current },
      cause,
    )
  }
}

async function readApplied(
  conn: Connection,
  client?: pg.PoolClient,
): Promise<AppliedMigrationRow[]> {
  return conn.query<AppliedMigrationRow>(
    `SELECT version, name, checksum, applied_at FROM ${conn.table(TABLE)} ORDER BY version`,
    [],
    client,
  )
}

/**
 * Applied and known versions. Read in a transaction without the statement timeout, like the
 * migrations themselves: a migrator holding the table's lock makes it wait, never fail.
 */
export async function postgresMigrationStatus(
  conn: Connection,
  migrations: readonly Migration[],
): Promise<MigrationStatus> {
  return migrationStatus(await readStatus(conn), migrations)
}

async function readStatus(conn: Connection): Promise<AppliedMigrationRow[]> {
  return conn.transaction(async (client) => {
    await client.query("SET LOCAL statement_timeout = 0")
    const [found] = await conn.query<{ present: boolean }>(
      "SELECT to_regclass($1) IS NOT NULL AS present",
      [conn.table(TABLE)],
      client,
    )
    return found?.present ? readApplied(conn, client) : []
  })
}
