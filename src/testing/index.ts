import { describe } from "vitest"
import { eventsTests } from "./events.js"
import { eventQueryTests } from "./events-query.js"
import { type ConformanceTarget, probeCapabilities } from "./harness.js"
import { messagesTests } from "./messages.js"
import { sessionsTests } from "./sessions.js"
import { sessionListTests } from "./sessions-list.js"

export type { ConformanceTarget, Fixture } from "./harness.js"

/**
 * Registers the conformance suite — the definition of how every backend behaves — for one
 * backend. Call it at the top level of a Vitest test file. Every test works through the public
 * `Store` API in a namespace of its own; optional behaviour is gated on `backend.capabilities`.
 * @example
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
    void caps
  })
}
