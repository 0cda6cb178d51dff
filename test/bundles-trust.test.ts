import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { openStore } from "../src/index.js"
import { trustSuite } from "./support/trust-suite.js"

const dirs = new Map<object, string>()

trustSuite({
  name: "sqlite, filesystem blobs",
  async open() {
    const dir = mkdtempSync(join(tmpdir(), "agentstore-trust-store-"))
    const store = await openStore(join(dir, "store"))
    dirs.set(store, dir)
    return store
  },
  async close(store) {
    await store.close()
    rmSync(dirs.get(store) as string, { recursive: true, force: true })
  },
})

trustSuite({
  name: "sqlite :memory:, database blobs",
  open: () => openStore(":memory:"),
  close: (store) => store.close(),
})
