import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll } from "vitest"
import { openStore, type Store } from "../../src/index.js"

/**
 * Both artifact blob stores, by name: `fs` (a store in a new temporary folder named after `tag`)
 * and `database` (an in-memory SQLite store). Filled in `beforeAll`, closed and removed in
 * `afterAll`; call at the top level of a test file and read the array inside tests.
 */
export function blobStores(tag: string): [string, Store][] {
  const stores: [string, Store][] = []
  let dir = ""
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `${tag}-`))
    stores.push(["fs", await openStore(dir)], ["database", await openStore(":memory:")])
  })
  afterAll(async () => {
    for (const [, store] of stores) await store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return stores
}
