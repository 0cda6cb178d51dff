import { setImmediate as yieldToOthers } from "node:timers/promises"
import type { GcReport } from "../artifacts/gc.js"
import type { Backend, PruneRule } from "../core/backend.js"
import type { Clock } from "../core/clock.js"
import { ValidationError } from "../core/errors.js"
import { checkInt } from "../core/validation.js"
import { countRun, type DomainCounts } from "./counters.js"
import { type ResolvedPolicy, type RetentionPolicy, resolvePolicy } from "./policy.js"

/** Options for one retention run. */
export interface RetentionRunOptions {
  policy: RetentionPolicy
  /** Count what would go, delete nothing. */
  dryRun?: boolean
  /** Rows per delete transaction. Default 500 (1..10,000). */
  batchSize?: number
  /** Return free pages to the file system afterwards (SQLite incremental vacuum). Default true. */
  reclaim?: boolean
  /** Called after every batch with the rows deleted so far. */
  onProgress?: (deleted: number) => void
  /**
   * Afterwards, delete blobs no artifact or change refers to any more (deleted sessions take
   * their artifact refs with them). Default true; never in a dry run.
   */
  artifacts?: boolean
  /** Blobs written more recently than this are kept by that GC. Default one hour. */
  artifactGraceMs?: number
}

/** What a run did (or, dry, would do). */
export interface RetentionReport {
  namespace: string
  dryRun: boolean
  /** Rows deleted (dry run: rows each rule matches now, counted rule by rule). */
  deleted: DomainCounts
  batches: number
  /** The longest time one delete transaction held the write lock. */
  maxLockHeldMs: number
  reclaimed: { supported: boolean; freedPages: number; freedBytes: number }
  durationMs: number
  /** The blob GC that followed (absent in a dry run or with `artifacts: false`). */
  artifacts?: GcReport
}

const DOMAIN: Record<string, keyof DomainCounts> = {
  sessions: "sessions",
  messages: "messages",
  events: "events",
  tool_invocations: "toolInvocations",
}

/** The rules a policy makes, in the order they run (whole sessions first). */
export function rulesOf(policy: ResolvedPolicy, now: number): PruneRule[] {
  const pinned = policy.pinned
  const rules: PruneRule[] = []
  const before = (age: number) => now - age
  if (policy.sessionsMaxAge !== undefined) {
    rules.push({ domain: "sessions", olderThan: before(policy.sessionsMaxAge), pinned })
  }
  if (policy.eventsMaxAge !== undefined) {
    rules.push({ domain: "events", olderThan: before(policy.eventsMaxAge), pinned })
  }
  if (policy.eventsPerSession !== undefined) {
    rules.push({ domain: "events", keepPerSession: policy.eventsPerSession, pinned })
  }
  if (policy.eventsPerAgent !== undefined) {
    rules.push({ domain: "events", keepPerAgent: policy.eventsPerAgent, pinned })
  }
  if (policy.messagesMaxAge !== undefined) {
    rules.push({ domain: "messages", olderThan: before(policy.messagesMaxAge), pinned })
  }
  if (policy.toolsMaxAge !== undefined) {
    rules.push({ domain: "tool_invocations", olderThan: before(policy.toolsMaxAge), pinned })
  }
  return rules
}

/**
 * Applies a policy to one namespace in small transactions (`batchSize` rows each), yielding
 * between them so writers are never blocked for long, then reclaims free pages.
 */
export async function runRetention(
  backend: Backend,
  namespace: string,
  clock: Clock,
  options: RetentionRunOptions,
  collectBlobs?: () => Promise<GcReport>,
): Promise<RetentionReport> {
  const started = Date.now()
  const policy = resolvePolicy(options.policy)
  const batchSize = checkInt("batchSize", options.batchSize ?? 500, 1, 10_000)
  const ops = backend.maintenance
  if (!ops) throw new ValidationError("store", `the ${backend.name} backend cannot run retention`)
  const report: RetentionReport = {
    namespace,
    dryRun: options.dryRun === true,
    deleted: { sessions: 0, messages: 0, events: 0, toolInvocations: 0 },
    batches: 0,
    maxLockHeldMs: 0,
    reclaimed: { supported: false, freedPages: 0, freedBytes: 0 },
    durationMs: 0,
  }
  const rules = rulesOf(policy, clock())
  for (const rule of rules) {
    if (report.dryRun) {
      report.deleted[DOMAIN[rule.domain] as keyof DomainCounts] += await ops.countPrunable(
        namespace,
        rule,
      )
      continue
    }
    for (let more = true; more; ) {
      const batch = await ops.pruneBatch(namespace, rule, batchSize)
      more = batch.more
      report.batches++
      report.maxLockHeldMs = Math.max(report.maxLockHeldMs, batch.lockHeldMs)
      for (const [table, n] of Object.entries(batch.deleted)) {
        report.deleted[DOMAIN[table] as keyof DomainCounts] += n ?? 0
      }
      options.onProgress?.(total(report.deleted))
      await yieldToOthers()
    }
  }
  if (!report.dryRun && options.artifacts !== false && collectBlobs) {
    report.artifacts = await collectBlobs()
  }
  if (!report.dryRun && options.reclaim !== false) await reclaim(backend, report)
  report.durationMs = Date.now() - started
  if (!report.dryRun) countRun(report)
  return report
}

async function reclaim(backend: Backend, report: RetentionReport): Promise<void> {
  const ops = backend.maintenance
  if (!ops) return
  for (;;) {
    const r = await ops.reclaimSpace(256)
    report.reclaimed.supported = r.supported
    report.reclaimed.freedPages += r.freedPages
    report.reclaimed.freedBytes += r.freedPages * r.pageSize
    if (r.freedPages === 0 || r.freePages === 0) return
    await yieldToOthers()
  }
}

function total(c: DomainCounts): number {
  return c.sessions + c.messages + c.events + c.toolInvocations
}
