import type { PostgresBackend } from "../src/backends/postgres/index.js"
import { createStore } from "../src/index.js"
import { dropSchema, openTestBackend, pgAvailable } from "./support/postgres.js"
import { trustSuite } from "./support/trust-suite.js"

if (pgAvailable) {
  trustSuite({
    name: "postgres, database blobs",
    open: async () => createStore(await openTestBackend()),
    async close(store) {
      await store.close()
      await dropSchema((store.backend as PostgresBackend).schema)
    },
  })
}
