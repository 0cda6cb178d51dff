import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createSqliteBackend, createStore, type Store } from "../../src/index.js"
import { dropSchema, openTestBackend, pgAvailable } from "../support/postgres.js"

/** A store the adapter tests run against, and how to get rid of it. */
export interface AdapterTarget {
  name: string
  skip: boolean
  open(): Promise<{ store: Store; dispose(): Promise<void> }>
}

/** A fresh SQLite file and a fresh PostgreSQL schema. */
export const TARGETS: AdapterTarget[] = [
  {
    name: "sqlite file",
    skip: false,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), "agentstore-oai-"))
      const store = createStore(await createSqliteBackend({ path: join(dir, "store.db") }))
      return {
        store,
        async dispose() {
          await store.close()
          rmSync(dir, { recursive: true, force: true })
        },
      }
    },
  },
  {
    name: "postgres",
    skip: !pgAvailable,
    async open() {
      const backend = await openTestBackend()
      const store = createStore(backend)
      return {
        store,
        async dispose() {
          await store.close()
          await dropSchema(backend.schema)
        },
      }
    },
  },
]
