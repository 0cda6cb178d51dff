/**
 * Operation groups whose code loads on first call. Every call waits on one shared chain, so
 * calls run in the order they were made even while a group is still loading.
 */

/** An object whose methods all return promises. */
// biome-ignore lint/suspicious/noExplicitAny: method parameters vary per operation
type AsyncOps = Record<string, (...args: any[]) => Promise<unknown>>

/** Loads groups of operations one after another, in the order they are first needed. */
export interface OpsLoader {
  /**
   * Methods named by `names` that load `load()`'s operations on first call, then forward to them.
   * `names` lists every method (the compiler checks), since the code is not loaded yet.
   */
  group<T extends object>(load: () => Promise<T>, names: Record<keyof T, true>): T
}

/**
 * Creates a loader. A call waits for the chain of loads requested before it (at most one
 * microtask once everything it needs is loaded), so no call overtakes an earlier one.
 * @example
 * const ops = createOpsLoader().group(async () => (await import("./x.js")).xOps(conn), { get: true })
 */
export function createOpsLoader(): OpsLoader {
  let chain: Promise<unknown> = Promise.resolve()
  return {
    group<T extends object>(load: () => Promise<T>, names: Record<keyof T, true>): T {
      let ops: AsyncOps | undefined
      let loaded: Promise<unknown> | undefined
      const ready = async (): Promise<AsyncOps> => {
        if (loaded === undefined) {
          loaded = chain.then(load).then((value) => {
            ops = value as unknown as AsyncOps
          })
          chain = loaded.catch(() => undefined)
        }
        await chain
        if (ops === undefined) await loaded
        return ops as AsyncOps
      }
      const forwarders: AsyncOps = {}
      for (const name of Object.keys(names)) {
        forwarders[name] = async (...args) => {
          const method = (await ready())[name] as AsyncOps[string]
          return method(...args)
        }
      }
      return forwarders as unknown as T
    },
  }
}
