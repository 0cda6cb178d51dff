import { ValidationError } from "../core/errors.js"
import type { CliArgs, CliIo, CliOption } from "./io.js"

/** The `--yes` option of a destructive command. */
export const YES_OPTION: CliOption = {
  flags: "-y, --yes",
  description: "do it without asking (required when there is no terminal to ask on)",
}

/**
 * Asks before a destructive step: `--yes` skips the question; on a terminal the person answers
 * y/N; with no terminal the command refuses (VALIDATION, exit 2) and changes nothing.
 */
export async function confirm(io: CliIo, args: CliArgs, what: string): Promise<void> {
  if (args.options.yes === true) return
  if (!io.ask) {
    throw new ValidationError("--yes", `${what} cannot be undone; add --yes to confirm`)
  }
  const answer = (await io.ask(`${what} cannot be undone. Continue? [y/N] `)).trim()
  if (!/^y(es)?$/i.test(answer))
    throw new ValidationError("--yes", "not confirmed; nothing changed")
}
