import { collectGarbage } from "../artifacts/gc.js"
import type { StoreContext } from "../core/context.js"
import {
  type RetentionCounters,
  type RetentionReport,
  type RetentionRunOptions,
  retentionCounters,
  runRetention,
} from "./run.js"

/** Retention of one namespace: `store.retention`. */
export interface RetentionApi {
  /**
   * Applies `policy` in small batches (or, with `dryRun`, counts what it would remove).
   * @example
   * await store.retention.run({ policy: { events: { maxAge: "30d" } } })
   */
  run(options: RetentionRunOptions): Promise<RetentionReport>
  /** Totals of every run in this process, for metrics. */
  counters(): RetentionCounters
}

/** Builds the retention API over one store context. */
export function createRetentionApi(ctx: StoreContext): RetentionApi {
  return {
    run: (options) =>
      runRetention(ctx.open(), ctx.namespace, ctx.clock, options, () =>
        collectGarbage(
          ctx.open(),
          ctx.blobs,
          options.artifactGraceMs === undefined ? {} : { graceMs: options.artifactGraceMs },
        ),
      ),
    counters: retentionCounters,
  }
}
