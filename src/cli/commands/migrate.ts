import { confirm, YES_OPTION } from "../confirm.js"
import { printJson, progress, table } from "../format.js"
import type { CliCommand } from "../io.js"
import { intOption } from "../parse.js"
import { withStore } from "../store.js"
import { clock, timeHeader } from "../time.js"

/** `agentstore migrate [--status] [--to N] [--allow-down]`. */
export const migrateCommand: CliCommand = {
  options: [
    { flags: "--status", description: "only show applied and known versions" },
    { flags: "--to <version>", description: "target version (default: latest)" },
    YES_OPTION,
    { flags: "--allow-down", description: "old spelling of --yes for --to", hidden: true },
  ],
  async run(args, io) {
    return withStore(
      args,
      async (store) => {
        const before = await store.backend.migrationStatus()
        if (args.options.status) {
          if (args.global.json) printJson(io, before)
          else printStatus(io, before)
          return 0
        }
        const target = intOption("to", args.options.to, 0, before.latest) ?? before.latest
        if (target < before.current && args.options.allowDown !== true) {
          await confirm(
            io,
            args,
            `going down from ${before.current} to ${target} drops tables and data and`,
          )
        }
        const bar = progress(io, "migrate")
        bar.update(0, Math.abs(target - before.current))
        const after = await store.backend.migrate(target)
        bar.done()
        if (args.global.json)
          printJson(io, { from: before.current, to: after.current, status: after })
        else
          io.stdout.write(
            `schema version ${before.current} → ${after.current} (latest ${after.latest})\n`,
          )
        return 0
      },
      { migrate: false },
    )
  },
}

function printStatus(
  io: Parameters<CliCommand["run"]>[1],
  s: {
    current: number
    latest: number
    applied: { version: number; name: string; checksum: string; appliedAt: string }[]
  },
): void {
  io.stdout.write(`current ${s.current}, latest ${s.latest}\n`)
  if (s.applied.length === 0) return
  io.stdout.write(
    table(
      ["VERSION", "NAME", "CHECKSUM", timeHeader(io, "APPLIED")],
      s.applied.map((a) => [
        String(a.version),
        a.name,
        a.checksum.slice(0, 12),
        clock(io, a.appliedAt),
      ]),
    ),
  )
}
