import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe } from "vitest"
import { createSqliteBackend } from "../src/index.js"
import { subscribeTests } from "../src/testing/subscribe.js"

const dir = mkdtempSync(join(tmpdir(), "agentstore-subscribe-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0

describe("sqlite :memory:", () => {
  subscribeTests({
    name: "sqlite :memory:",
    create: () => createSqliteBackend({ path: ":memory:" }),
  })
})

describe("sqlite file", () => {
  const paths = new WeakMap<object, string>()
  subscribeTests({
    name: "sqlite file",
    async create() {
      const path = join(dir, `s${n++}.db`)
      const backend = await createSqliteBackend({ path })
      paths.set(backend, path)
      return backend
    },
    connect: (backend) => createSqliteBackend({ path: paths.get(backend) as string }),
  })
})
