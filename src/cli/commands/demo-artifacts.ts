import type { Store } from "../../core/store.js"

const TEST_LOG = [
  "> acme-billing@2.3.0 test",
  "> vitest run",
  "",
  ...Array.from(
    { length: 46 },
    (_, i) => ` ✓ test/invoice.test.ts > total ${i + 1} (${(i % 7) + 1} ms)`,
  ),
  " × test/invoice.test.ts > total with discount and tax",
  "   AssertionError: expected 107.99 to be 108",
  " ✓ test/currency.test.ts > formats EUR",
  "",
  " Test Files  1 failed | 1 passed (2)",
  "      Tests  1 failed | 47 passed (48)",
].join("\n")

const COVERAGE = {
  total: { lines: 91.4, branches: 84.2, functions: 95 },
  files: { "src/invoice.ts": { lines: 88.1 }, "src/currency.ts": { lines: 97.3 } },
  generatedAt: "2026-01-05T14:03:09Z",
}

const INVOICES = [
  "id,customer,net,discount,tax,total",
  "INV-1001,Globex,100.00,10.00,19.00,108.90",
  "INV-1002,Initech,250.00,0.00,47.50,297.50",
  "INV-1003,Umbrella,80.00,8.00,13.68,85.68",
  "INV-1004,Hooli,1200.00,120.00,205.20,1285.20",
].join("\n")

/** Three artifacts of the coder's first session: a test log, a JSON report, a CSV table. */
export async function seedDemoArtifacts(store: Store): Promise<number> {
  const session = "demo-coder-1"
  await store.artifacts.put(TEST_LOG, {
    handle: "demo-run-tests.log",
    mediaType: "text/plain; charset=utf-8",
    label: "run_tests output",
    sessionId: session,
    toolInvocationId: "demo-tool-3",
  })
  await store.artifacts.put(JSON.stringify(COVERAGE, null, 2), {
    handle: "demo-coverage.json",
    mediaType: "application/json",
    label: "coverage report",
    sessionId: session,
  })
  await store.artifacts.put(`${INVOICES}\n`, {
    handle: "demo-invoices.csv",
    mediaType: "text/csv",
    label: "invoice fixtures",
    sessionId: session,
  })
  return 3
}
