import type { Reporter, SerializedError, TestModule } from "vitest/node"

/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, after vitest's own report.
 * A test file that fails outside any test (an import error) and each unhandled error count as failed.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    modules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    const counts = { passed: 0, failed: unhandledErrors.length, skipped: 0 }
    for (const module of modules) {
      let failedInside = 0
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === "passed") counts.passed++
        else if (state === "failed") failedInside++
        else counts.skipped++
      }
      counts.failed += failedInside
      if (failedInside === 0 && module.state() === "failed") counts.failed++
    }
    process.stdout.write(
      `\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    )
  }
}
