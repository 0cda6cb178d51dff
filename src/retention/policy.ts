import { ValidationError } from "../core/errors.js"
import { checkId, checkKeys, checkNamespace, checkObject } from "../core/validation.js"

/** A duration: milliseconds, or text like `90d`, `12h`, `30m`, `45s`, `500ms`, `2w`. */
export type Duration = number | string

/**
 * What to keep in one namespace. Every limit is optional; an absent limit keeps everything.
 * Sessions are pinned by id here or by `metadata.pinned === true`; a pinned session keeps
 * its messages, events and tool invocations whatever the limits say.
 */
export interface RetentionPolicy {
  events?: { maxAge?: Duration; maxPerSession?: number; maxPerAgent?: number }
  messages?: { maxAge?: Duration }
  toolInvocations?: { maxAge?: Duration }
  /** Sessions not updated within `maxAge` are deleted with everything in them. */
  sessions?: { maxAge?: Duration }
  pinnedSessions?: string[]
}

/** A checked policy: ages in ms. */
export interface ResolvedPolicy {
  eventsMaxAge?: number
  eventsPerSession?: number
  eventsPerAgent?: number
  messagesMaxAge?: number
  toolsMaxAge?: number
  sessionsMaxAge?: number
  pinned: string[]
}

/** A config file: a policy per namespace, `"*"` for every namespace not named. */
export interface RetentionConfig {
  namespaces: Record<string, RetentionPolicy>
}

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}
const MAX_AGE = 100 * 365 * 86_400_000

/** Parses a duration; zero, negative, fractional or unknown units are a `ValidationError`. */
export function parseDuration(field: string, value: unknown): number {
  let ms = Number.NaN
  if (typeof value === "number") ms = value
  else if (typeof value === "string") {
    const match = /^(\d{1,12})(ms|s|m|h|d|w)$/.exec(value.trim())
    if (match) ms = Number(match[1]) * (UNITS[match[2] as string] as number)
  }
  if (!Number.isSafeInteger(ms) || ms < 1000 || ms > MAX_AGE) {
    throw new ValidationError(
      field,
      "must be a duration of at least 1s and at most 100 years, like 30d, 12h or 90m",
      { received: String(value) },
    )
  }
  return ms
}

function positive(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(field, "must be a whole number of at least 1", {
      received: String(value),
    })
  }
  return value
}

/** Checks a policy. An empty policy is valid (it deletes nothing). */
export function resolvePolicy(policy: RetentionPolicy): ResolvedPolicy {
  const p = checkObject("policy", policy)
  checkKeys("policy", p, ["events", "messages", "toolInvocations", "sessions", "pinnedSessions"])
  const out: ResolvedPolicy = { pinned: [] }
  if (p.events !== undefined) {
    const e = checkObject("policy.events", p.events)
    checkKeys("policy.events", e, ["maxAge", "maxPerSession", "maxPerAgent"])
    if (e.maxAge !== undefined) out.eventsMaxAge = parseDuration("policy.events.maxAge", e.maxAge)
    if (e.maxPerSession !== undefined) {
      out.eventsPerSession = positive("policy.events.maxPerSession", e.maxPerSession)
    }
    if (e.maxPerAgent !== undefined) {
      out.eventsPerAgent = positive("policy.events.maxPerAgent", e.maxPerAgent)
    }
  }
  const age = (key: "messages" | "toolInvocations" | "sessions"): number | undefined => {
    if (p[key] === undefined) return undefined
    const o = checkObject(`policy.${key}`, p[key])
    checkKeys(`policy.${key}`, o, ["maxAge"])
    return o.maxAge === undefined ? undefined : parseDuration(`policy.${key}.maxAge`, o.maxAge)
  }
  const m = age("messages")
  const t = age("toolInvocations")
  const s = age("sessions")
  if (m !== undefined) out.messagesMaxAge = m
  if (t !== undefined) out.toolsMaxAge = t
  if (s !== undefined) out.sessionsMaxAge = s
  if (p.pinnedSessions !== undefined) {
    if (!Array.isArray(p.pinnedSessions)) {
      throw new ValidationError("policy.pinnedSessions", "must be an array of session ids")
    }
    out.pinned = p.pinnedSessions.map((id, i) => checkId(`policy.pinnedSessions[${i}]`, id))
  }
  return out
}

/** Checks a config file's content and returns the policy for `namespace` (or `"*"`, or none). */
export function policyFor(config: unknown, namespace: string): RetentionPolicy | undefined {
  const c = checkObject("config", config)
  checkKeys("config", c, ["namespaces"])
  const namespaces = checkObject("config.namespaces", c.namespaces)
  for (const [ns, policy] of Object.entries(namespaces)) {
    if (ns !== "*") checkNamespace(ns, `config.namespaces.${ns}`)
    resolvePolicy(policy as RetentionPolicy)
  }
  return (namespaces[namespace] ?? namespaces["*"]) as RetentionPolicy | undefined
}
