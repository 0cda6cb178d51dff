import type { Store } from "../../core/store.js"
import type { CliCommand, IdKind } from "../io.js"
import { withStore } from "../store.js"

const MOST = 500

const LISTS: Record<IdKind, (store: Store) => Promise<string[]>> = {
  sessions: async (s) =>
    (await s.sessions.list({ orderBy: "updatedAt", order: "desc", limit: MOST })).items.map(
      (x) => x.id,
    ),
  plans: async (s) => (await s.plans.list({ limit: MOST })).items.map((x) => x.id),
  artifacts: async (s) => (await s.artifacts.list({ limit: MOST })).items.map((x) => x.handle),
  tools: async (s) => (await s.tools.list({ order: "desc", limit: MOST })).items.map((x) => x.id),
}

/**
 * `agentstore __complete <kind>` (hidden): prints up to 500 ids, one a line, for the shell
 * completion scripts. Quiet: a missing store, a bad kind or any error prints nothing and
 * exits 0, and it never creates a store.
 */
export const completeIds: CliCommand = {
  options: [],
  async run(args, io) {
    const list = LISTS[args.positionals[0] as IdKind]
    if (list === undefined) return 0
    try {
      const ids = await withStore({ ...args, creates: false }, list, { migrate: false })
      if (ids.length > 0) io.stdout.write(`${ids.join("\n")}\n`)
    } catch {}
    return 0
  },
}
