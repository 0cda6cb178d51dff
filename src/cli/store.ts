import type { Clock } from "../core/clock.js"
import type { Store } from "../core/store.js"
import type { CliArgs } from "./io.js"

/**
 * Opens the store the global options name, runs `fn`, and closes it. A read of a store that
 * does not exist fails with `NOT_FOUND` naming it; only commands that may create one
 * (`args.creates`) create it. The library loads here, when a command first needs it.
 */
export async function withStore<T>(
  args: CliArgs,
  fn: (store: Store) => Promise<T>,
  options: { migrate?: boolean; clock?: Clock } = {},
): Promise<T> {
  const { openStore } = await import("../open.js")
  const store = await openStore(args.global.store, {
    migrate: options.migrate ?? true,
    create: args.creates,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(args.global.namespace === undefined ? {} : { namespace: args.global.namespace }),
  })
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}
