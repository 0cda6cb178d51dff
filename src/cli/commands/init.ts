import { printJson } from "../format.js"
import type { CliCommand } from "../io.js"
import { withStore } from "../store.js"

/** `agentstore init`: creates the store (directory, database, schema) if it does not exist. */
export const initCommand: CliCommand = {
  options: [],
  async run(args, io) {
    const status = await withStore(args, (store) => store.migrationStatus())
    const out = { store: args.global.store, schemaVersion: status.current, latest: status.latest }
    if (args.global.json) printJson(io, out)
    else io.stdout.write(`store ready at ${out.store} (schema version ${out.schemaVersion})\n`)
    return 0
  },
}
