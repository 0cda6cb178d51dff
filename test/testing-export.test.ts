// The suite as a consumer gets it: the built package through its `agentstore/testing` subpath.
// Types come from src; the modules are loaded from dist at run time (npm test builds first).
const [lib, testing] = ["agentstore", "agentstore/testing"]
const { createSqliteBackend } = (await import(lib)) as typeof import("../src/index.js")
const { runConformance } = (await import(testing)) as typeof import("../src/testing/index.js")

runConformance({
  name: "sqlite :memory: through the built agentstore/testing",
  create: () => createSqliteBackend({ path: ":memory:" }),
})
