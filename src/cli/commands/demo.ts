import { printJson } from "../format.js"
import type { CliCommand } from "../io.js"
import { withStore } from "../store.js"
import { seedDemo } from "./demo-data.js"

/** `agentstore demo`: seeds a realistic store (once) and prints what to try next. */
export const demoCommand: CliCommand = {
  options: [],
  async run(args, io) {
    const counts = await withStore(args, (store) => seedDemo(store))
    if (args.global.json) {
      printJson(io, { store: args.global.store, ...counts })
      return 0
    }
    const bin = io.env.npm_lifecycle_event === "start" ? "node dist/cli/main.js" : "agentstore"
    const store = args.global.store === "./.agentstore" ? "" : ` --store ${args.global.store}`
    const run = (rest: string) => `  ${bin}${store} ${rest}\n`
    io.stdout.write(
      `${counts.seeded ? "Seeded" : "Already seeded"} the demo store at ${args.global.store}: ` +
        `${counts.agents} agents, ${counts.sessions} sessions, ${counts.messages} messages, ` +
        `${counts.events} events, ${counts.toolInvocations} tool invocations, ${counts.artifacts} artifacts, ${counts.plans} plan.\n\nTry next:\n` +
        run("sessions list") +
        run("sessions show demo-coder-1") +
        run("messages list demo-coder-1") +
        run("events query --session demo-coder-1") +
        run("events summary") +
        run("tools list --session demo-coder-1") +
        run("events tail            (Ctrl-C to stop)") +
        run("plan status demo-plan-1") +
        run("plan diff demo-plan-1") +
        run("plan apply demo-plan-1 --workspace ./my-checkout --dry-run") +
        run("artifacts list") +
        run("artifacts drill demo-run-tests.log --grep AssertionError --context 1") +
        run("artifacts drill demo-invoices.csv --rows 0:2 --header") +
        run("export -o demo.ndjson.gz") +
        run("import demo.ndjson.gz --into copy") +
        run("gc --events-max-age 30d --dry-run"),
    )
    return 0
  },
}
