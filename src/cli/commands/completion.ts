import type { CliCommand } from "../io.js"

/** `agentstore completion <shell>`. */
export const completionCommand: CliCommand = {
  options: [],
  async run() {
    return 0
  },
}
