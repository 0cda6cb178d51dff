/**
 * Store domains whose code loads on first use: a store that only records sessions, messages,
 * events and tools never loads the plans (diff/apply) or artifact (drilldown) implementations.
 */
import type { ArtifactsApi } from "../artifacts/artifacts.js"
import type { PlansApi } from "../changesets/plans.js"
import type { StoreContext } from "./context.js"

/** Caches the promise of a factory loaded on first call. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined
  return () => {
    loaded ??= load()
    return loaded
  }
}

/** The plans API of `ctx`, its implementation imported on first call. */
export function lazyPlansApi(ctx: StoreContext): PlansApi {
  const api = once(async () => (await import("../changesets/plans.js")).createPlansApi(ctx))
  return {
    create: async (input) => (await api()).create(input),
    get: async (id) => (await api()).get(id),
    list: async (query) => (await api()).list(query),
    markReady: async (id) => (await api()).markReady(id),
    record: async (planId, changes) => (await api()).record(planId, changes),
    entries: async (query) => (await api()).entries(query),
    summarize: async (planId) => (await api()).summarize(planId),
    diff: (async (planId: string, options?: Parameters<PlansApi["diff"]>[1]) =>
      (await api()).diff(planId, options as never)) as PlansApi["diff"],
    apply: async (planId, workspaceDir, options) =>
      (await api()).apply(planId, workspaceDir, options),
    cancel: async (planId) => (await api()).cancel(planId),
  }
}

/** The artifacts API of `ctx`, its implementation imported on first call. */
export function lazyArtifactsApi(ctx: StoreContext): ArtifactsApi {
  const api = once(async () => (await import("../artifacts/artifacts.js")).createArtifactsApi(ctx))
  return {
    put: async (data, options) => (await api()).put(data, options),
    head: async (handle) => (await api()).head(handle),
    get: async (handle) => (await api()).get(handle),
    text: async (handle) => (await api()).text(handle),
    async *stream(handle, range) {
      yield* (await api()).stream(handle, range)
    },
    drilldown: async (handle, selector) => (await api()).drilldown(handle, selector),
    list: async (query) => (await api()).list(query),
    delete: async (handle) => (await api()).delete(handle),
    gc: async (options) => (await api()).gc(options),
  }
}
