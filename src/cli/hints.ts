import { paint } from "./format.js"
import type { CliArgs, CliIo } from "./io.js"

/** Quotes a word for a POSIX shell only when it needs it. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`
}

/** `argv` without the flags in `drop` (and their values, also in `--flag=value` form). */
function without(argv: string[], drop: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if (drop.includes(a)) {
      i++
      continue
    }
    if (drop.some((flag) => a.startsWith(`${flag}=`))) continue
    out.push(a)
  }
  return out
}

/**
 * Prints `more: agentstore …`: the command as typed with its paging flags (`drop`) replaced by
 * `set`, so pasting it shows the next page in the direction the listing went.
 */
export function moreHint(io: CliIo, args: CliArgs, drop: string[], set: string[]): void {
  const argv = [...without(args.argv, drop), ...set]
  const line = `more: agentstore ${argv.map(shellQuote).join(" ")}`
  io.stdout.write(`${paint(io, io.stdout, "dim", line)}\n`)
}

/**
 * The hint of a cursor-paged list: the command again with `--cursor <next>` in place of the
 * `--cursor` given (and of any old spelling of it in `aliases`).
 */
export function cursorHint(io: CliIo, args: CliArgs, next: string, aliases: string[] = []): void {
  moreHint(io, args, ["--cursor", ...aliases], ["--cursor", next])
}
