/** Rows per domain. */
export interface DomainCounts {
  sessions: number
  messages: number
  events: number
  toolInvocations: number
}

/** Totals since the process started, for metrics. */
export interface RetentionCounters {
  runs: number
  batches: number
  deleted: DomainCounts
  maxLockHeldMs: number
  lastRunAt: string | null
}

const counters: RetentionCounters = {
  runs: 0,
  batches: 0,
  deleted: { sessions: 0, messages: 0, events: 0, toolInvocations: 0 },
  maxLockHeldMs: 0,
  lastRunAt: null,
}

/** A copy of the retention counters of this process. */
export function retentionCounters(): RetentionCounters {
  return structuredClone(counters)
}

/** Adds one finished (not dry) run to the counters. */
export function countRun(report: {
  batches: number
  deleted: DomainCounts
  maxLockHeldMs: number
}): void {
  counters.runs++
  counters.batches += report.batches
  for (const key of Object.keys(counters.deleted) as (keyof DomainCounts)[]) {
    counters.deleted[key] += report.deleted[key]
  }
  counters.maxLockHeldMs = Math.max(counters.maxLockHeldMs, report.maxLockHeldMs)
  counters.lastRunAt = new Date().toISOString()
}
