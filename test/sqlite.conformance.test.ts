import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"
import { createSqliteBackend } from "../src/index.js"
import { runConformance } from "../src/testing/index.js"

const dir = mkdtempSync(join(tmpdir(), "agentstore-conformance-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0

runConformance({
  name: "sqlite file",
  create: () => createSqliteBackend({ path: join(dir, `store-${++files}.db`) }),
})

runConformance({
  name: "sqlite :memory:",
  create: () => createSqliteBackend({ path: ":memory:" }),
})
