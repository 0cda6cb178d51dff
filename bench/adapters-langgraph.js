// LangGraph: AgentStoreSaver against LangGraph's official SQLite and PostgreSQL savers, run by
// bench/adapters.js. PostgreSQL rows only when the test server is reachable.
import { runLanggraph } from "./langgraph.js"
import { tempDir } from "./lib.js"
import { postgresReachable, postgresUrl } from "./postgres.js"

/** Rows for a 1,000-checkpoint thread (200 with `quick`) on each reachable backend. */
export async function run({ quick }) {
  const lib = await import(new URL("../dist/index.js", import.meta.url).href)
  const backends = (await postgresReachable(postgresUrl())) ? ["sqlite", "postgres"] : ["sqlite"]
  const rows = []
  for (const backend of backends) {
    const { dir, remove } = tempDir("agentstore-bench-adapters-")
    try {
      const options = {
        dir,
        pgUrl: postgresUrl(),
        n: quick ? 200 : 1000,
        reps: quick ? 1 : 3,
        samples: 200,
      }
      rows.push(...(await runLanggraph(lib, backend, options)))
    } finally {
      remove()
    }
  }
  return rows
}
