import type { ChangeRef } from "./types.js"

/**
 * Collapses an ordered list of changes to one net change per path: several edits to a path
 * become first-before → last-after, a create later deleted vanishes, an edit that restores the
 * original content vanishes, and rename chains (`a → b → c`) become one rename `a → c`.
 * Each path's base is the first content recorded for it; the result is the difference between
 * that base and the final state, sorted by path. A change of mode alone is not a net change.
 * @example
 * netChanges([create("a", h1), modify("a", h1, h2)]) // [create("a", h2)]
 */
export function netChanges(changes: readonly ChangeRef[]): ChangeRef[] {
  const base = new Map<string, string | null>()
  const current = new Map<string, string | null>()
  const origin = new Map<string, string>()
  const mode = new Map<string, number | null>()
  const touch = (path: string, before: string | null) => {
    if (!base.has(path)) base.set(path, before)
    if (!current.has(path)) current.set(path, before)
  }
  for (const change of changes) {
    if (change.op === "rename" && change.oldPath !== null) {
      touch(change.oldPath, change.beforeSha256)
      touch(change.path, null)
      const from = origin.get(change.oldPath) ?? change.oldPath
      const content = change.afterSha256 ?? current.get(change.oldPath) ?? null
      current.set(change.oldPath, null)
      origin.delete(change.oldPath)
      current.set(change.path, content)
      origin.set(change.path, from)
    } else {
      touch(change.path, change.beforeSha256)
      current.set(change.path, change.afterSha256)
      if (change.op === "create" || change.op === "delete") origin.delete(change.path)
    }
    mode.set(change.path, change.mode ?? mode.get(change.path) ?? null)
  }
  return pairRenames(base, current, origin, mode)
}

function pairRenames(
  base: Map<string, string | null>,
  current: Map<string, string | null>,
  origin: Map<string, string>,
  mode: Map<string, number | null>,
): ChangeRef[] {
  const out = new Map<string, ChangeRef>()
  for (const [path, before] of base) {
    const after = current.get(path) ?? null
    if (before === after) continue
    const op = before === null ? "create" : after === null ? "delete" : "modify"
    out.set(path, {
      path,
      op,
      oldPath: null,
      beforeSha256: before,
      afterSha256: after,
      mode: after === null ? null : (mode.get(path) ?? null),
    })
  }
  for (const [path, from] of origin) {
    const created = out.get(path)
    const deleted = out.get(from)
    if (from === path || created?.op !== "create" || deleted?.op !== "delete") continue
    out.delete(from)
    out.set(path, { ...created, op: "rename", oldPath: from, beforeSha256: deleted.beforeSha256 })
  }
  return [...out.values()].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))
}
