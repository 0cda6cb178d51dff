import { printJson } from "../format.js"
import type { CliCommand } from "../io.js"
import { packageVersion } from "../version.js"

/** `agentstore version`: the same as `--version`, with `--json` as `{ version }`. */
export const versionCommand: CliCommand = {
  options: [],
  async run(args, io) {
    const version = packageVersion()
    if (args.global.json) printJson(io, { version })
    else io.stdout.write(`${version}\n`)
    return 0
  },
}
