import type { ImportRow, MaintenanceOps, PruneBatchResult, PruneRule } from "../../core/backend.js"
import { ValidationError } from "../../core/errors.js"
import { columnList, EVENT_INSERT_COLUMNS, namedParams, TABLE_COLUMNS } from "../sql/columns.js"
import { importConflict } from "../sql/import-conflict.js"
import type { Connection } from "./connection.js"
import { sqliteCode } from "./errors.js"

type Table = "sessions" | "messages" | "events" | "tool_invocations"

const INSERTS = Object.fromEntries(
  Object.entries(TABLE_COLUMNS).map(([table, all]) => {
    const names = table === "events" ? EVENT_INSERT_COLUMNS : all
    return [table, `INSERT INTO ${table} (${columnList(names)}) VALUES (${namedParams(names)})`]
  }),
) as Record<ImportRow["table"], string>

/** Bulk import, batched pruning and space reclaim on SQLite. */
export function sqliteMaintenance(conn: Connection): MaintenanceOps {
  return {
    importRows: (ns, rows) => conn.write(() => importAll(conn, ns, rows())),

    async pruneBatch(ns, rule, limit) {
      return conn.write(() => {
        const started = performance.now()
        const result = pruneOnce(conn, ns, rule, limit)
        result.lockHeldMs = performance.now() - started
        return result
      })
    },

    async countPrunable(ns, rule) {
      return conn.read(() => countRule(conn, ns, rule))
    },

    async reclaimSpace(maxPages) {
      const pragma = (name: string) => conn.query(() => conn.db.pragma(name, { simple: true }))
      const pageSize = (await pragma("page_size")) as number
      const mode = (await pragma("auto_vacuum")) as number
      const before = (await pragma("freelist_count")) as number
      if (mode !== 2 || before === 0) {
        return { supported: mode === 2, freedPages: 0, freePages: before, pageSize }
      }
      await conn.write(() => conn.db.pragma(`incremental_vacuum(${Math.max(1, maxPages | 0)})`))
      const after = (await pragma("freelist_count")) as number
      return { supported: true, freedPages: before - after, freePages: after, pageSize }
    },
  }
}

function importAll(
  conn: Connection,
  ns: string,
  rows: Iterable<ImportRow>,
): Record<string, number> {
  const counts: Record<string, number> = {
    sessions: 0,
    messages: 0,
    events: 0,
    tool_invocations: 0,
  }
  const offsets = new Map<string, number>()
  const maxNumber = conn.prepare(
    "SELECT COALESCE(MAX(number), 0) AS n FROM sessions WHERE namespace = ? AND agent = ?",
  )
  for (const item of rows) {
    if (item.row.namespace !== ns)
      throw new ValidationError("namespace", "row of another namespace")
    let row: object = item.row
    if (item.table === "sessions") {
      const agent = item.row.agent
      let offset = offsets.get(agent)
      if (offset === undefined) {
        offset = (maxNumber.get(ns, agent) as { n: number }).n
        offsets.set(agent, offset)
      }
      row = { ...item.row, number: item.row.number + offset }
    }
    try {
      conn.prepare(INSERTS[item.table]).run(row)
    } catch (error) {
      const code = sqliteCode(error) ?? ""
      if (code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE") {
        throw importConflict(item)
      }
      throw error
    }
    counts[item.table] = (counts[item.table] ?? 0) + 1
  }
  return counts
}

function notPinned(
  alias: string,
  column: string,
  pinned: string[],
): { sql: string; params: string[] } {
  const list = pinned.map(() => "?").join(", ")
  return {
    sql: `NOT EXISTS (SELECT 1 FROM sessions p WHERE p.namespace = ${alias}.namespace AND p.id = ${alias}.${column}
      AND (json_type(p.metadata, '$.pinned') = 'true'${pinned.length > 0 ? ` OR p.id IN (${list})` : ""}))`,
    params: pinned,
  }
}

/** The SELECT that lists the keys a rule matches, oldest first. */
function candidates(ns: string, rule: PruneRule): { sql: string; params: unknown[]; key: string } {
  const pin = (alias: string, column: string) => notPinned(alias, column, rule.pinned)
  if (rule.domain === "events") {
    const p = pin("e", "session_id")
    if ("olderThan" in rule) {
      return {
        key: "cursor",
        sql: `SELECT cursor FROM events e WHERE e.namespace = ? AND e.time < ? AND ${p.sql} ORDER BY time, cursor`,
        params: [ns, rule.olderThan, ...p.params],
      }
    }
    const [column, keep] =
      "keepPerSession" in rule ? ["session_id", rule.keepPerSession] : ["agent", rule.keepPerAgent]
    return {
      key: "cursor",
      sql: `SELECT cursor FROM (SELECT cursor, ROW_NUMBER() OVER (PARTITION BY ${column} ORDER BY cursor DESC) AS rn
        FROM events e WHERE e.namespace = ? AND e.${column} IS NOT NULL AND ${p.sql}) WHERE rn > ? ORDER BY cursor`,
      params: [ns, ...p.params, keep],
    }
  }
  if (rule.domain === "messages") {
    const p = pin("m", "session_id")
    return {
      key: "id",
      sql: `SELECT id, session_id FROM messages m WHERE m.namespace = ? AND m.created_at < ? AND ${p.sql} ORDER BY created_at, sequence`,
      params: [ns, rule.olderThan, ...p.params],
    }
  }
  if (rule.domain === "tool_invocations") {
    const p = pin("t", "session_id")
    return {
      key: "id",
      sql: `SELECT id FROM tool_invocations t WHERE t.namespace = ? AND t.started_at < ? AND t.status <> 'running' AND ${p.sql} ORDER BY started_at, id`,
      params: [ns, rule.olderThan, ...p.params],
    }
  }
  const p = pin("s", "id")
  return {
    key: "id",
    sql: `SELECT id FROM sessions s WHERE s.namespace = ? AND s.updated_at < ? AND ${p.sql} ORDER BY updated_at, id`,
    params: [ns, rule.olderThan, ...p.params],
  }
}

function countRule(conn: Connection, ns: string, rule: PruneRule): number {
  const c = candidates(ns, rule)
  return (conn.prepare(`SELECT COUNT(*) AS n FROM (${c.sql})`).get(...c.params) as { n: number }).n
}

function pruneOnce(conn: Connection, ns: string, rule: PruneRule, limit: number): PruneBatchResult {
  const c = candidates(ns, rule)
  if (rule.domain === "sessions") return pruneSession(conn, ns, c, limit)
  const keys = conn.prepare(`${c.sql} LIMIT ?`).all(...c.params, limit) as Record<string, string>[]
  const table: Table = rule.domain
  const del = conn.prepare(`DELETE FROM ${table} WHERE namespace = ? AND ${c.key} = ?`)
  for (const k of keys) del.run(ns, k[c.key])
  if (rule.domain === "messages") {
    const recount = conn.prepare(
      `UPDATE sessions SET message_count = (SELECT COUNT(*) FROM messages WHERE namespace = ? AND session_id = ?)
       WHERE namespace = ? AND id = ?`,
    )
    for (const id of new Set(keys.map((k) => k.session_id))) recount.run(ns, id, ns, id)
  }
  return { deleted: { [table]: keys.length }, more: keys.length === limit, lockHeldMs: 0 }
}

function pruneSession(
  conn: Connection,
  ns: string,
  c: { sql: string; params: unknown[] },
  limit: number,
): PruneBatchResult {
  const first = conn.prepare(`${c.sql} LIMIT 1`).get(...c.params) as { id: string } | undefined
  if (!first) return { deleted: {}, more: false, lockHeldMs: 0 }
  const deleted: PruneBatchResult["deleted"] = {}
  let budget = limit
  const children: [Table, string][] = [
    ["events", "cursor"],
    ["messages", "id"],
    ["tool_invocations", "id"],
  ]
  for (const [table, key] of children) {
    if (budget <= 0) break
    const n = conn
      .prepare(
        `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE namespace = ? AND session_id = ? LIMIT ?)`,
      )
      .run(ns, first.id, budget).changes
    if (n > 0) deleted[table] = n
    budget -= n
  }
  if (budget > 0) {
    conn.prepare("DELETE FROM sessions WHERE namespace = ? AND id = ?").run(ns, first.id)
    deleted.sessions = 1
  }
  return { deleted, more: true, lockHeldMs: 0 }
}
