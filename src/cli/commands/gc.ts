import { existsSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { sweepImportStaging } from "../../bundles/staging.js"
import { ValidationError } from "../../core/errors.js"
import { policyFor, type RetentionPolicy, resolvePolicy } from "../../retention/policy.js"
import type { RetentionReport } from "../../retention/run.js"
import { confirm, YES_OPTION } from "../confirm.js"
import { bytes, num, printJson, progress, table } from "../format.js"
import type { CliArgs, CliCommand, CliIo } from "../io.js"
import { asFlags, intOption, listOption } from "../parse.js"
import { withStore } from "../store.js"

/** Policy fields, the option that sets each and its flag. */
const POLICY_FLAGS: [string, string, string][] = [
  ["policy.events.maxAge", "eventsMaxAge", "--events-max-age"],
  ["policy.events.maxPerSession", "eventsPerSession", "--events-per-session"],
  ["policy.events.maxPerAgent", "eventsPerAgent", "--events-per-agent"],
  ["policy.messages.maxAge", "messagesMaxAge", "--messages-max-age"],
  ["policy.toolInvocations.maxAge", "toolsMaxAge", "--tools-max-age"],
  ["policy.sessions.maxAge", "sessionsMaxAge", "--sessions-max-age"],
]

/** Field → flag for the flags given (a value from a config file keeps its field's name). */
function givenFlags(args: CliArgs): Record<string, string> {
  return Object.fromEntries(
    POLICY_FLAGS.filter(([, key]) => args.options[key] !== undefined).map(([f, , flag]) => [
      f,
      flag,
    ]),
  )
}

function configPath(args: CliArgs, io: CliIo): string | undefined {
  const cwd = io.cwd ?? process.cwd()
  if (typeof args.options.config === "string") return resolve(cwd, args.options.config)
  if (io.env.AGENTSTORE_RETENTION) return resolve(cwd, io.env.AGENTSTORE_RETENTION)
  const url = args.global.store
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return undefined
  const candidate = join(resolve(cwd, url), "retention.json")
  return existsSync(candidate) ? candidate : undefined
}

function readPolicy(args: CliArgs, io: CliIo, namespace: string): RetentionPolicy {
  const path = configPath(args, io)
  let policy: RetentionPolicy = {}
  if (path !== undefined) {
    let config: unknown
    try {
      config = JSON.parse(readFileSync(path, "utf8"))
    } catch (error) {
      throw new ValidationError("--config", `cannot read ${path}: ${(error as Error).message}`)
    }
    policy = structuredClone(policyFor(config, namespace) ?? {})
  }
  const o = args.options
  const set = <K extends keyof RetentionPolicy>(key: K, patch: NonNullable<RetentionPolicy[K]>) => {
    policy[key] = { ...(policy[key] as object), ...(patch as object) } as RetentionPolicy[K]
  }
  if (typeof o.eventsMaxAge === "string") set("events", { maxAge: o.eventsMaxAge })
  const perSession = intOption("events-per-session", o.eventsPerSession, 1)
  if (perSession !== undefined) set("events", { maxPerSession: perSession })
  const perAgent = intOption("events-per-agent", o.eventsPerAgent, 1)
  if (perAgent !== undefined) set("events", { maxPerAgent: perAgent })
  if (typeof o.messagesMaxAge === "string") set("messages", { maxAge: o.messagesMaxAge })
  if (typeof o.toolsMaxAge === "string") set("toolInvocations", { maxAge: o.toolsMaxAge })
  if (typeof o.sessionsMaxAge === "string") set("sessions", { maxAge: o.sessionsMaxAge })
  const pins = listOption(o.pin)
  if (pins) policy.pinnedSessions = [...(policy.pinnedSessions ?? []), ...pins]
  return policy
}

/** `agentstore gc`: applies the retention policy in small batches and reclaims space. */
export const gcCommand: CliCommand = {
  options: [
    {
      flags: "--config <file>",
      description: "retention config (default: $AGENTSTORE_RETENTION or <store>/retention.json)",
    },
    {
      flags: "--events-max-age <duration>",
      description: "delete events older than this (30d, 12h…)",
    },
    { flags: "--events-per-session <n>", description: "keep the newest n events of each session" },
    { flags: "--events-per-agent <n>", description: "keep the newest n events of each agent" },
    { flags: "--messages-max-age <duration>", description: "delete messages older than this" },
    {
      flags: "--tools-max-age <duration>",
      description: "delete finished tool invocations older than this",
    },
    {
      flags: "--sessions-max-age <duration>",
      description: "delete sessions not updated for this long",
    },
    { flags: "--pin <id>", description: "a session to keep (repeat for more)", repeat: true },
    { flags: "--batch-size <n>", description: "rows per delete transaction", default: "500" },
    { flags: "--dry-run", description: "count what would be deleted; delete nothing" },
    YES_OPTION,
  ],
  async run(args, io) {
    const bar = progress(io, "gc")
    const dryRun = args.options.dryRun === true
    const retention = await withStore(args, async (store) => {
      const policy = readPolicy(args, io, store.namespace)
      await asFlags(givenFlags(args), async () => resolvePolicy(policy))
      if (!dryRun) await confirm(io, args, "deleting what the policy selects")
      return store.retention.run({
        policy,
        dryRun,
        batchSize: intOption("batch-size", args.options.batchSize, 1, 10_000) as number,
        onProgress: (done) => bar.update(done, done),
      })
    }).finally(() => bar.done())
    const report = { ...retention, importStagingRemoved: dryRun ? 0 : await sweepImportStaging() }
    if (args.global.json) printJson(io, report)
    else printReport(io, report)
    return 0
  },
}

function printReport(io: CliIo, r: RetentionReport & { importStagingRemoved: number }): void {
  const d = r.deleted
  io.stdout.write(
    table(
      ["DOMAIN", r.dryRun ? "WOULD DELETE" : "DELETED"],
      [
        ["sessions", num(d.sessions)],
        ["messages", num(d.messages)],
        ["events", num(d.events)],
        ["tool invocations", num(d.toolInvocations)],
      ],
    ),
  )
  if (r.dryRun) {
    io.stdout.write("dry run: nothing was deleted\n")
    return
  }
  io.stdout.write(
    `${num(r.batches)} ${r.batches === 1 ? "batch" : "batches"} in ${r.durationMs} ms, longest write-lock hold ${r.maxLockHeldMs.toFixed(1)} ms\n`,
  )
  if (r.artifacts) {
    io.stdout.write(
      `artifact blobs: ${num(r.artifacts.deleted)} of ${num(r.artifacts.scanned)} deleted, ${bytes(r.artifacts.bytesFreed)} freed\n`,
    )
  }
  if (r.importStagingRemoved > 0) {
    io.stdout.write(
      `removed ${num(r.importStagingRemoved)} staging directories of killed imports\n`,
    )
  }
  io.stdout.write(
    r.reclaimed.supported
      ? `reclaimed ${bytes(r.reclaimed.freedBytes)}\n`
      : "space is not reclaimed here (PostgreSQL: autovacuum does it; SQLite: this file was created without incremental auto-vacuum)\n",
  )
}
