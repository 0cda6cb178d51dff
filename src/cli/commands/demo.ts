import { resolve } from "node:path"
import type { Clock } from "../../core/clock.js"
import { ValidationError } from "../../core/errors.js"
import { printJson } from "../format.js"
import type { CliCommand } from "../io.js"
import { withStore } from "../store.js"
import { seedDemo } from "./demo-data.js"
import { writeDemoCheckout } from "./demo-plan.js"

/** Where `demo` writes a checkout the demo plan applies to, relative to the working directory. */
const CHECKOUT = "demo-checkout"

const HINTS = [
  "sessions list",
  "sessions show demo-coder-1",
  "messages list demo-coder-1",
  "events query --session demo-coder-1",
  "events summary",
  "tools list --session demo-coder-1",
  "plan status demo-plan-1",
  "plan diff demo-plan-1",
  `plan apply demo-plan-1 --workspace ${CHECKOUT} --dry-run`,
  "artifacts list",
  "artifacts drill demo-run-tests.log --grep AssertionError --context 1",
  "artifacts drill demo-invoices.csv --rows 0:2 --header",
  "export -o demo.ndjson.gz",
  "import demo.ndjson.gz --into copy",
  "gc --events-max-age 30d --dry-run",
]

/**
 * `AGENTSTORE_DEMO_TIME` (an ISO time), read by `demo` alone: seed the demo as if it ran then,
 * so its times and the output of later commands are the same on every run (the examples in
 * docs/cli.md are produced this way). The clock starts there and moves 1 ms per reading.
 */
function demoClock(env: Record<string, string | undefined>): Clock | undefined {
  const at = env.AGENTSTORE_DEMO_TIME
  if (at === undefined || at === "") return undefined
  let now = Date.parse(at)
  if (!/^\d{4}-\d\d-\d\dT/.test(at) || Number.isNaN(now))
    throw new ValidationError(
      "AGENTSTORE_DEMO_TIME",
      "must be an ISO time like 2026-01-05T14:03:09Z",
    )
  return () => now++
}

/**
 * `agentstore demo`: seeds a realistic store (once), writes `./demo-checkout` for the demo
 * plan, and prints what to try next. Every hint it prints is a command a test runs.
 */
export const demoCommand: CliCommand = {
  options: [],
  async run(args, io) {
    const clock = demoClock(io.env)
    const counts = await withStore(args, (store) => seedDemo(store, clock?.() ?? Date.now()), {
      ...(clock === undefined ? {} : { clock }),
    })
    const checkout = resolve(io.cwd ?? process.cwd(), CHECKOUT)
    await writeDemoCheckout(checkout)
    if (args.global.json) {
      printJson(io, { store: args.global.store, checkout, ...counts })
      return 0
    }
    const bin = io.env.npm_lifecycle_event === "start" ? "node dist/cli/main.js" : "agentstore"
    const store = args.global.store === "./.agentstore" ? "" : ` --store ${args.global.store}`
    const run = (rest: string) => `  ${bin}${store} ${rest}\n`
    io.stdout.write(
      `${counts.seeded ? "Seeded" : "Already seeded"} the demo store at ${args.global.store}: ` +
        `${counts.agents} agents, ${counts.sessions} sessions, ${counts.messages} messages, ` +
        `${counts.events} events, ${counts.toolInvocations} tool invocations, ${counts.artifacts} artifacts, ${counts.plans} plan.\n` +
        `A checkout for the plan is in ./${CHECKOUT}.\n\nTry next:\n` +
        HINTS.map(run).join("") +
        `\nFollow events live (Ctrl-C to stop):\n${run("events tail")}`,
    )
    return 0
  },
}
