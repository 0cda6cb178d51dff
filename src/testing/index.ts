import { describe } from "vitest"
import { artifactsTests } from "./artifacts.js"
import { changesetsTests } from "./changesets.js"
import { changesetsApplyTests } from "./changesets-apply.js"
import { concurrencyTests } from "./concurrency.js"
import { errorsTests } from "./errors.js"
import { eventsTests } from "./events.js"
import { eventQueryTests } from "./events-query.js"
import { type ConformanceTarget, probeCapabilities } from "./harness.js"
import { jsonTests } from "./json.js"
import { lifecycleTests } from "./lifecycle.js"
import { limitsTests } from "./limits.js"
import { messagesTests } from "./messages.js"
import { migrationsTests } from "./migrations.js"
import { sessionsTests } from "./sessions.js"
import { sessionListTests } from "./sessions-list.js"
import { subscribeTests } from "./subscribe.js"
import { toolsTests } from "./tools.js"
import { toolListTests } from "./tools-list.js"
import { validationTests } from "./validation.js"

export type { ConformanceTarget, Fixture } from "./harness.js"
export { TRICKY } from "./json.js"
export type { RaceCall, RaceOutcome, ThreadAccess } from "./race.js"

/**
 * Registers the conformance suite — the definition of how every backend behaves — for one
 * backend. Call it at the top level of a Vitest test file. Every test works through the public
 * `Store` API in a namespace of its own, with a manual clock; optional behaviour is gated on
 * `backend.capabilities`, never on the backend's name.
 * @example
 * import { createSqliteBackend } from "agentstore"
 * import { runConformance } from "agentstore/testing"
 * runConformance({ name: "sqlite :memory:", create: () => createSqliteBackend({ path: ":memory:" }) })
 */
export function runConformance(target: ConformanceTarget): void {
  describe(`conformance: ${target.name}`, async () => {
    const caps = await probeCapabilities(target)
    sessionsTests(target)
    sessionListTests(target)
    messagesTests(target)
    eventsTests(target)
    eventQueryTests(target)
    subscribeTests(target)
    toolsTests(target)
    toolListTests(target)
    validationTests(target)
    limitsTests(target)
    changesetsTests(target)
    changesetsApplyTests(target)
    errorsTests(target)
    jsonTests(target)
    lifecycleTests(target)
    migrationsTests(target)
    concurrencyTests(target, caps)
    artifactsTests(target)
  })
}
