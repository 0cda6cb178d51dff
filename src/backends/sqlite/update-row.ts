import type { Connection } from "./connection.js"

/**
 * Inside a write: reads the row, asks `change` for the columns to set, writes them and returns
 * the updated row (the current one when the patch is empty, `undefined` when there is no row).
 */
export function updateRow<Row extends object>(
  conn: Connection,
  table: string,
  columns: string,
  ns: string,
  id: string,
  change: (current: Row) => Partial<Row>,
): Row | undefined {
  const current = conn
    .prepare(`SELECT ${columns} FROM ${table} WHERE namespace = ? AND id = ?`)
    .get(ns, id) as Row | undefined
  if (!current) return undefined
  const patch = change(current)
  const keys = Object.keys(patch)
  if (keys.length === 0) return current
  const sets = keys.map((key) => `${key} = @${key}`).join(", ")
  return conn
    .prepare(`UPDATE ${table} SET ${sets} WHERE namespace = @ns AND id = @id RETURNING ${columns}`)
    .get({ ...patch, ns, id }) as Row
}
