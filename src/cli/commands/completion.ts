import { ValidationError } from "../../core/errors.js"
import type { CliCommand } from "../io.js"

const SHELLS = ["bash", "zsh", "fish"]

/**
 * `agentstore completion <shell>`: prints a completion script for bash, zsh or fish, generated
 * from the command table (commands, subcommands, flags) that completes ids from the store too.
 */
export const completionCommand: CliCommand = {
  options: [],
  async run(args, io) {
    const shell = args.positionals[0] as string
    if (!SHELLS.includes(shell))
      throw new ValidationError("<shell>", `must be bash, zsh or fish, not "${shell}"`)
    const [{ COMMANDS }, { completionSpec }] = await Promise.all([
      import("./index.js"),
      import("../completion/spec.js"),
    ])
    const spec = await completionSpec(COMMANDS, io.env)
    if (shell === "fish") {
      const { fishScript } = await import("../completion/fish.js")
      io.stdout.write(fishScript(spec))
    } else {
      const { bashScript, zshScript } = await import("../completion/bash.js")
      io.stdout.write(shell === "bash" ? bashScript(spec) : zshScript(spec))
    }
    return 0
  },
}
