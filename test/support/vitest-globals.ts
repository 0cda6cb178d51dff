import * as vitest from "vitest"

/**
 * Installs Vitest's test functions as globals for this test file only, as `globals: true`
 * would, for suites written against globals (LangGraph's checkpoint validation suite). The
 * shared Vitest config stays without globals.
 */
export function installVitestGlobals(): void {
  const { describe, it, test, expect, beforeAll, afterAll, beforeEach, afterEach, vi } = vitest
  Object.assign(globalThis, {
    describe,
    it,
    test,
    expect,
    beforeAll,
    afterAll,
    beforeEach,
    afterEach,
    vi,
  })
}
