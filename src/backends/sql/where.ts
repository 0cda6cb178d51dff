import type { EventFilterSpec, SessionListSpec, ToolListSpec } from "../../core/backend.js"

/** What differs between the SQL dialects for the shared filters. Placeholders are always `?`. */
export interface SqlDialect {
  /** A condition: top-level metadata key `key` equals `value` (JSON scalar semantics). */
  metadataEquals(column: string, key: string, value: string | number | boolean | null): Where
  /**
   * Marks a range condition as selective, so the planner prefers its index to walking the
   * whole namespace in page order (SQLite: `likelihood(…)`). Default: the condition unchanged.
   */
  selective?(condition: string): string
}

const plain = (condition: string) => condition

/** A list of AND-ed conditions with their parameters, in placeholder order. */
export interface Where {
  sql: string[]
  params: unknown[]
}

/** Starts a condition list scoped to a namespace. */
export function whereNamespace(namespace: string): Where {
  return { sql: ["namespace = ?"], params: [namespace] }
}

/** Adds a condition with its parameters. */
export function and(where: Where, sql: string, ...params: unknown[]): Where {
  where.sql.push(sql)
  where.params.push(...params)
  return where
}

/** Renders ` WHERE a AND b`. */
export function render(where: Where): string {
  return where.sql.length === 0 ? "" : ` WHERE ${where.sql.join(" AND ")}`
}

/** Conditions for an event filter. Cursors are passed as decimal strings. */
export function eventWhere(
  namespace: string,
  filter: EventFilterSpec,
  dialect?: Pick<SqlDialect, "selective">,
): Where {
  const range = dialect?.selective ?? plain
  const where = whereNamespace(namespace)
  if (filter.sessionId !== undefined) and(where, "session_id = ?", filter.sessionId)
  if (filter.agent !== undefined) and(where, "agent = ?", filter.agent)
  if (filter.parentId !== undefined) and(where, "parent_id = ?", filter.parentId)
  if (filter.kinds !== undefined) {
    and(where, `kind IN (${filter.kinds.map(() => "?").join(", ")})`, ...filter.kinds)
  }
  if (filter.since !== undefined) and(where, range("time >= ?"), filter.since)
  if (filter.until !== undefined) and(where, range("time < ?"), filter.until)
  if (filter.after !== undefined) and(where, "cursor > ?", filter.after)
  if (filter.before !== undefined) and(where, "cursor < ?", filter.before)
  return where
}

/** Conditions for a session listing, without the keyset position. */
export function sessionWhere(dialect: SqlDialect, namespace: string, spec: SessionListSpec): Where {
  const range = dialect.selective ?? plain
  const where = whereNamespace(namespace)
  if (spec.agent !== undefined) and(where, "agent = ?", spec.agent)
  if (spec.createdSince !== undefined) and(where, range("created_at >= ?"), spec.createdSince)
  if (spec.createdUntil !== undefined) and(where, range("created_at < ?"), spec.createdUntil)
  if (spec.updatedSince !== undefined) and(where, range("updated_at >= ?"), spec.updatedSince)
  if (spec.updatedUntil !== undefined) and(where, range("updated_at < ?"), spec.updatedUntil)
  for (const [key, value] of spec.metadata) {
    const condition = dialect.metadataEquals("metadata", key, value)
    and(where, condition.sql.join(" AND "), ...condition.params)
  }
  return where
}

/** A keyset condition: rows strictly after (time, id) in the given order. */
export function keysetAfter(
  where: Where,
  column: string,
  order: "asc" | "desc",
  after?: { time: number; id: string },
) {
  if (after)
    and(where, `(${column}, id) ${order === "asc" ? ">" : "<"} (?, ?)`, after.time, after.id)
  return where
}

/** Conditions for a tool invocation listing, including the keyset position. */
export function toolWhere(namespace: string, spec: ToolListSpec): Where {
  const where = whereNamespace(namespace)
  if (spec.sessionId !== undefined) and(where, "session_id = ?", spec.sessionId)
  if (spec.planId !== undefined) and(where, "plan_id = ?", spec.planId)
  if (spec.tool !== undefined) and(where, "tool = ?", spec.tool)
  if (spec.status !== undefined) and(where, "status = ?", spec.status)
  if (spec.since !== undefined) and(where, "started_at >= ?", spec.since)
  if (spec.until !== undefined) and(where, "started_at < ?", spec.until)
  return keysetAfter(where, "started_at", spec.order, spec.after)
}
