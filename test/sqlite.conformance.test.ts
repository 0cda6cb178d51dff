import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll } from "vitest"
import { type Backend, createSqliteBackend } from "../src/index.js"
import { runConformance } from "../src/testing/index.js"

const dir = mkdtempSync(join(tmpdir(), "agentstore-conformance-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const paths = new WeakMap<Backend, string>()
let files = 0

runConformance({
  name: "sqlite file",
  async create() {
    const path = join(dir, `store-${++files}.db`)
    const backend = await createSqliteBackend({ path })
    paths.set(backend, path)
    return backend
  },
  connect: (backend) => createSqliteBackend({ path: paths.get(backend) as string }),
  // Racing tests open the file from worker threads through the built package (`npm run build`).
  threads: {
    module: pathToFileURL(join(import.meta.dirname, "..", "dist", "index.js")).href,
    url: (backend) => `sqlite:${paths.get(backend) as string}`,
  },
})

runConformance({
  name: "sqlite :memory:",
  create: () => createSqliteBackend({ path: ":memory:" }),
})
