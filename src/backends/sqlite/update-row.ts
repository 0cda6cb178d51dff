import type { Connection } from "./connection.js"

/**
 * Inside a write: reads the row, asks `change` for the columns to set and writes them (see
 * `patchRow`); `undefined` when there is no row.
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
  return current && patchRow(conn, table, columns, ns, id, current, change(current))
}

/** Inside a write: sets the patch's columns and returns the updated row (`current` when empty). */
export function patchRow<Row extends object>(
  conn: Connection,
  table: string,
  columns: string,
  ns: string,
  id: string,
  current: Row,
  patch: Partial<Row>,
): Row {
  const keys = Object.keys(patch)
  if (keys.length === 0) return current
  const sets = keys.map((key) => `${key} = @${key}`).join(", ")
  return conn
    .prepare(`UPDATE ${table} SET ${sets} WHERE namespace = @ns AND id = @id RETURNING ${columns}`)
    .get({ ...patch, ns, id }) as Row
}
