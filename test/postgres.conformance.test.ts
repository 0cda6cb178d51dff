import { it } from "vitest"
import { runConformance } from "../src/testing/index.js"
import { pgAvailable, postgresTarget } from "./support/postgres.js"

// Every target is a fresh schema of the test server, dropped again by `destroy`.
if (pgAvailable) runConformance(postgresTarget("postgres"))
else it.skip("conformance: postgres (the test server is unreachable)", () => {})
