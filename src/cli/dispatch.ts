import type { CommandEntry } from "./io.js"

/** Global options that take a value (so the value is not read as a command word). */
const VALUED = new Set(["--store", "--namespace", "--color"])

/** The command words of `argv`: the leading words that are not options or option values. */
function words(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length && out.length < 2; i++) {
    const a = argv[i] as string
    if (a === "--") break
    if (a.startsWith("-")) {
      if (VALUED.has(a)) i++
      continue
    }
    out.push(a)
  }
  return out
}

/** The table entry `argv` selects (the longest name matching its leading words), if any. */
export function chooseEntry(argv: string[], entries: CommandEntry[]): CommandEntry | undefined {
  const typed = words(argv)
  let best: CommandEntry | undefined
  for (const entry of entries) {
    const name = entry.name.split(" ")
    const matches = name.every((w, i) => typed[i] === w)
    if (matches && name.length > (best?.name.split(" ").length ?? 0)) best = entry
  }
  return best
}
