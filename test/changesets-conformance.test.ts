import { createSqliteBackend } from "../src/backends/sqlite/index.js"
import { changesetsTests } from "../src/testing/changesets.js"
import { changesetsApplyTests } from "../src/testing/changesets-apply.js"

const target = { name: "sqlite :memory:", create: () => createSqliteBackend({ path: ":memory:" }) }
changesetsTests(target)
changesetsApplyTests(target)
