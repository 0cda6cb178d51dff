import { existsSync } from "node:fs"
import { mkdir, writeFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import type { Store } from "../../core/store.js"

const BEFORE = `export function total(lines: Line[], taxRate: number, discount: number): number {
  const net = lines.reduce((sum, l) => sum + l.price * l.quantity, 0)
  const taxed = round(net * (1 + taxRate))
  return round(taxed - discount)
}
`
const AFTER = `export function total(lines: Line[], taxRate: number, discount: number): number {
  const net = lines.reduce((sum, l) => sum + l.price * l.quantity, 0)
  const discounted = net - discount
  return round(discounted * (1 + taxRate))
}
`
const TEST = `import { expect, it } from "vitest"
import { total } from "../src/invoice.js"

it("applies the discount before tax and rounds once", () => {
  expect(total([{ price: 100, quantity: 1 }], 0.19, 10)).toBe(107.1)
})
`

const ROUND = "export const round = (n: number) => Math.round(n * 100) / 100\n"
const CHANGELOG = "# Changelog\n"

/** The files the demo plan changes, as they were before it: a checkout to apply it to. */
const CHECKOUT: Record<string, string> = {
  "src/invoice.ts": BEFORE,
  "src/util/round.ts": ROUND,
  "CHANGELOG.md": CHANGELOG,
}

/** Writes the demo checkout into `dir` unless `dir` exists; returns whether it wrote. */
export async function writeDemoCheckout(dir: string): Promise<boolean> {
  if (existsSync(dir)) return false
  for (const [path, text] of Object.entries(CHECKOUT)) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), text)
  }
  return true
}

/** A ready plan of the coder's first session whose changeset touches four files. */
export async function seedDemoPlan(store: Store): Promise<number> {
  const plan = await store.plans.create({
    id: "demo-plan-1",
    sessionId: "demo-coder-1",
    title: "Apply the discount before tax",
    workspace: "acme/billing",
  })
  await store.plans.record(plan.id, [
    {
      path: "src/invoice.ts",
      op: "modify",
      before: BEFORE,
      after: AFTER,
      toolInvocationId: "demo-tool-2",
    },
    { path: "test/invoice.test.ts", op: "create", after: TEST },
    {
      path: "src/money/round.ts",
      op: "rename",
      oldPath: "src/util/round.ts",
      before: ROUND,
    },
    {
      path: "CHANGELOG.md",
      op: "modify",
      before: CHANGELOG,
      after: "# Changelog\n\n- Invoice totals apply the discount before tax.\n",
    },
  ])
  await store.plans.markReady(plan.id)
  return 1
}
