import { performance } from "node:perf_hooks"
import type pg from "pg"
import type { ImportRow, MaintenanceOps, PruneBatchResult, PruneRule } from "../../core/backend.js"
import { ValidationError } from "../../core/errors.js"
import { TABLE_COLUMNS } from "../sql/columns.js"
import { importConflict, importKey } from "../sql/import-conflict.js"
import { type Connection, numbered } from "./connection.js"
import { SAFE_JSON } from "./sessions.js"

type Table = ImportRow["table"]

/** Bulk import and batched pruning on PostgreSQL (space is reclaimed by autovacuum). */
export function postgresMaintenance(conn: Connection, channel: string): MaintenanceOps {
  return {
    importRows: (ns, rows) =>
      conn.transaction(async (client) => {
        const counts = await importAll(conn, client, ns, rows())
        if ((counts.events ?? 0) > 0)
          await conn.query("SELECT pg_notify($1, $2)", [channel, ns], client)
        return counts
      }),

    async pruneBatch(ns, rule, limit) {
      const started = performance.now()
      const result = await conn.transaction((client) => pruneOnce(conn, client, ns, rule, limit))
      result.lockHeldMs = performance.now() - started
      return result
    },

    async countPrunable(ns, rule) {
      const c = candidates(conn, ns, rule)
      const [row] = await conn.query<{ n: number }>(
        numbered(`SELECT count(*) AS n FROM (${c.sql}) c`),
        c.params,
      )
      return row?.n ?? 0
    },

    async reclaimSpace() {
      conn.ensureOpen()
      return { supported: false, freedPages: 0, freePages: 0, pageSize: 8192 }
    },
  }
}

async function importAll(
  conn: Connection,
  client: pg.PoolClient,
  ns: string,
  rows: Iterable<ImportRow>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {
    sessions: 0,
    messages: 0,
    events: 0,
    tool_invocations: 0,
  }
  const offsets = new Map<string, number>()
  let table: Table | undefined
  let batch: Record<string, unknown>[] = []
  let items: ImportRow[] = []
  const flush = async () => {
    if (table === undefined || batch.length === 0) return
    if (table === "events") await assignCursors(conn, client, ns, batch)
    const columns: readonly string[] = TABLE_COLUMNS[table]
    const values = batch.map(
      (_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(", ")})`,
    )
    const key = table === "artifacts" ? "handle" : "id"
    const inserted = await conn.query<{ key: string }>(
      `INSERT INTO ${conn.table(table)} (${columns.join(", ")}) VALUES ${values.join(", ")}
       ON CONFLICT DO NOTHING RETURNING ${key} AS key`,
      batch.flatMap((row) => columns.map((c) => row[c])),
      client,
    )
    if (inserted.length < batch.length) {
      const stored = new Set(inserted.map((r) => r.key))
      const collided = items.find((item) => !stored.has(importKey(item)))
      throw importConflict(collided ?? (items[0] as ImportRow))
    }
    counts[table] = (counts[table] ?? 0) + batch.length
    batch = []
    items = []
  }
  for (const item of rows) {
    if (item.row.namespace !== ns)
      throw new ValidationError("namespace", "row of another namespace")
    if (
      item.table !== table ||
      batch.length >= Math.floor(30_000 / TABLE_COLUMNS[item.table].length)
    ) {
      await flush()
      table = item.table
    }
    let row = item.row as unknown as Record<string, unknown>
    if (item.table === "sessions") {
      const agent = item.row.agent
      let offset = offsets.get(agent)
      if (offset === undefined) {
        const [max] = await conn.query<{ n: number }>(
          `SELECT COALESCE(MAX(number), 0) AS n FROM ${conn.table("sessions")} WHERE namespace = $1 AND agent = $2`,
          [ns, agent],
          client,
        )
        offset = max?.n ?? 0
        offsets.set(agent, offset)
      }
      row = { ...row, number: item.row.number + offset }
    }
    batch.push(row)
    items.push({ ...item, row } as ImportRow)
  }
  await flush()
  return counts
}

async function assignCursors(
  conn: Connection,
  client: pg.PoolClient,
  ns: string,
  rows: Record<string, unknown>[],
): Promise<void> {
  const [bump] = await conn.query<{ last: number }>(
    `INSERT INTO ${conn.table("event_counters")} AS c (namespace, last_cursor) VALUES ($1, $2)
     ON CONFLICT (namespace) DO UPDATE SET last_cursor = c.last_cursor + EXCLUDED.last_cursor
     RETURNING last_cursor AS last`,
    [ns, rows.length],
    client,
  )
  const first = Number(bump?.last) - rows.length + 1
  rows.forEach((row, i) => {
    row.cursor = first + i
  })
}

function notPinned(conn: Connection, alias: string, column: string, pinned: string[]) {
  const list = pinned.map(() => "?").join(", ")
  return {
    sql: `NOT EXISTS (SELECT 1 FROM ${conn.table("sessions")} p WHERE p.namespace = ${alias}.namespace
      AND p.id = ${alias}.${column} AND ((${SAFE_JSON("p.metadata")}::json -> 'pinned')::text = 'true'${
        pinned.length > 0 ? ` OR p.id IN (${list})` : ""
      }))`,
    params: pinned,
  }
}

/** The SELECT that lists the keys a rule matches, oldest first (placeholders are `?`). */
function candidates(conn: Connection, ns: string, rule: PruneRule) {
  const pin = (alias: string, column: string) => notPinned(conn, alias, column, rule.pinned)
  const T = (name: string) => conn.table(name)
  if (rule.domain === "events") {
    const p = pin("e", "session_id")
    if ("olderThan" in rule) {
      return {
        key: "cursor",
        sql: `SELECT cursor FROM ${T("events")} e WHERE e.namespace = ? AND e.time < ? AND ${p.sql} ORDER BY time, cursor`,
        params: [ns, rule.olderThan, ...p.params],
      }
    }
    const [column, keep] =
      "keepPerSession" in rule ? ["session_id", rule.keepPerSession] : ["agent", rule.keepPerAgent]
    return {
      key: "cursor",
      sql: `SELECT cursor FROM (SELECT cursor, ROW_NUMBER() OVER (PARTITION BY ${column} ORDER BY cursor DESC) AS rn
        FROM ${T("events")} e WHERE e.namespace = ? AND e.${column} IS NOT NULL AND ${p.sql}) w WHERE rn > ? ORDER BY cursor`,
      params: [ns, ...p.params, keep],
    }
  }
  if (rule.domain === "messages") {
    const p = pin("m", "session_id")
    return {
      key: "id",
      sql: `SELECT id, session_id FROM ${T("messages")} m WHERE m.namespace = ? AND m.created_at < ? AND ${p.sql} ORDER BY created_at, sequence`,
      params: [ns, rule.olderThan, ...p.params],
    }
  }
  if (rule.domain === "tool_invocations") {
    const p = pin("t", "session_id")
    return {
      key: "id",
      sql: `SELECT id FROM ${T("tool_invocations")} t WHERE t.namespace = ? AND t.started_at < ? AND t.status <> 'running' AND ${p.sql} ORDER BY started_at, id`,
      params: [ns, rule.olderThan, ...p.params],
    }
  }
  const p = pin("s", "id")
  return {
    key: "id",
    sql: `SELECT id FROM ${T("sessions")} s WHERE s.namespace = ? AND s.updated_at < ? AND ${p.sql} ORDER BY updated_at, id`,
    params: [ns, rule.olderThan, ...p.params],
  }
}

async function pruneOnce(
  conn: Connection,
  client: pg.PoolClient,
  ns: string,
  rule: PruneRule,
  limit: number,
): Promise<PruneBatchResult> {
  const c = candidates(conn, ns, rule)
  if (rule.domain === "sessions") return pruneSession(conn, client, ns, c, limit)
  const keys = await conn.query<Record<string, string>>(
    numbered(`${c.sql} LIMIT ?`),
    [...c.params, limit],
    client,
  )
  const table = rule.domain
  if (keys.length > 0) {
    const type = c.key === "cursor" ? "bigint" : "text"
    await conn.query(
      `DELETE FROM ${conn.table(table)} WHERE namespace = $1 AND ${c.key} = ANY($2::${type}[])`,
      [ns, keys.map((k) => k[c.key])],
      client,
    )
  }
  if (rule.domain === "messages" && keys.length > 0) {
    await conn.query(
      `UPDATE ${conn.table("sessions")} s SET message_count = (SELECT count(*) FROM ${conn.table("messages")} m
        WHERE m.namespace = s.namespace AND m.session_id = s.id) WHERE s.namespace = $1 AND s.id = ANY($2::text[])`,
      [ns, [...new Set(keys.map((k) => k.session_id))]],
      client,
    )
  }
  return { deleted: { [table]: keys.length }, more: keys.length === limit, lockHeldMs: 0 }
}

async function pruneSession(
  conn: Connection,
  client: pg.PoolClient,
  ns: string,
  c: { sql: string; params: unknown[] },
  limit: number,
): Promise<PruneBatchResult> {
  const [first] = await conn.query<{ id: string }>(numbered(`${c.sql} LIMIT 1`), c.params, client)
  if (!first) return { deleted: {}, more: false, lockHeldMs: 0 }
  const deleted: PruneBatchResult["deleted"] = {}
  let budget = limit
  const children: ["events" | "messages" | "tool_invocations", string][] = [
    ["events", "cursor"],
    ["messages", "id"],
    ["tool_invocations", "id"],
  ]
  for (const [table, key] of children) {
    if (budget <= 0) break
    const T = conn.table(table)
    const rows = await conn.query(
      `DELETE FROM ${T} WHERE namespace = $1 AND ${key} IN (SELECT ${key} FROM ${T} WHERE namespace = $1 AND session_id = $2 LIMIT $3) RETURNING 1`,
      [ns, first.id, budget],
      client,
    )
    if (rows.length > 0) deleted[table] = rows.length
    budget -= rows.length
  }
  if (budget > 0) {
    await conn.query(
      `DELETE FROM ${conn.table("sessions")} WHERE namespace = $1 AND id = $2`,
      [ns, first.id],
      client,
    )
    deleted.sessions = 1
  }
  return { deleted, more: true, lockHeldMs: 0 }
}
