import type { StoreContext } from "../core/context.js"
import { type RetentionCounters, retentionCounters } from "./counters.js"
import type { RetentionReport, RetentionRunOptions } from "./run.js"

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

/** Builds the retention API over one store context; the run and GC code load on the first run. */
export function createRetentionApi(ctx: StoreContext): RetentionApi {
  return {
    run(options) {
      const backend = ctx.open()
      return loadRun().then(({ runRetention, collectGarbage }) =>
        runRetention(backend, ctx.namespace, ctx.clock, options, () =>
          collectGarbage(
            ctx.open(),
            ctx.blobs,
            options.artifactGraceMs === undefined ? {} : { graceMs: options.artifactGraceMs },
          ),
        ),
      )
    },
    counters: retentionCounters,
  }
}

/** The retention run and the blob GC, loaded on the first run. */
async function loadRun() {
  const [run, gc] = await Promise.all([import("./run.js"), import("../artifacts/gc.js")])
  return { runRetention: run.runRetention, collectGarbage: gc.collectGarbage }
}
