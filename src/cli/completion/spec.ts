import { Option } from "commander"
import { globalOptions } from "../globals.js"
import type { CliOption, CommandEntry, IdKind } from "../io.js"

/** What a word can be completed with: ids from the store, file names, or fixed words. */
export type Values = { ids: IdKind } | { files: true } | { words: string[] } | { none: true }

/** One flag as the completion scripts see it. */
export interface FlagSpec {
  /** `--limit`, and `-o` where there is a short form. */
  names: string[]
  description: string
  /** What its value completes with; absent for a flag without a value. */
  value?: Values
}

/** One command of the table with everything its completion needs. */
export interface CommandSpec {
  /** `["sessions", "show"]`. */
  words: string[]
  summary: string
  flags: FlagSpec[]
  /** What the first positional argument completes with. */
  positional?: Values
}

/** Everything a completion script is generated from. */
export interface CompletionSpec {
  commands: CommandSpec[]
  global: FlagSpec[]
  /** Command words that have subcommands (`sessions`, `plan`, …). */
  groups: string[]
}

const SESSION_FLAGS = new Set(["--session", "--pin"])

function valuesOf(option: Option): Values | undefined {
  if (!option.required && !option.optional) return undefined
  if (option.argChoices) return { words: option.argChoices }
  if (option.long && SESSION_FLAGS.has(option.long)) return { ids: "sessions" }
  if (/<(file|dir|url)/.test(option.flags)) return { files: true }
  return { none: true }
}

function flagOf(option: Option): FlagSpec {
  const value = valuesOf(option)
  return {
    names: [option.long, option.short].filter((n): n is string => n !== undefined),
    description: option.description,
    ...(value === undefined ? {} : { value }),
  }
}

function cliOptionToFlag(option: CliOption): FlagSpec {
  return flagOf(new Option(option.flags, option.description))
}

function positionalOf(entry: CommandEntry): Values | undefined {
  if (entry.ids) return { ids: entry.ids }
  if (entry.choices) return { words: entry.choices }
  if (/^<file>/.test(entry.args ?? "")) return { files: true }
  return undefined
}

/**
 * Builds the completion spec from the command table: loads every visible command's module
 * for its options (completion is printed once, at install time, so loading all is fine).
 */
export async function completionSpec(
  entries: CommandEntry[],
  env: Record<string, string | undefined>,
): Promise<CompletionSpec> {
  const visible = entries.filter((e) => !e.hidden)
  const commands = await Promise.all(
    visible.map(async (entry): Promise<CommandSpec> => {
      const command = await entry.load()
      const positional = positionalOf(entry)
      return {
        words: entry.name.split(" "),
        summary: entry.summary,
        flags: command.options.filter((o) => !o.hidden).map(cliOptionToFlag),
        ...(positional === undefined ? {} : { positional }),
      }
    }),
  )
  const global = [
    ...globalOptions(env).map(flagOf),
    { names: ["--version", "-V"], description: "print the version" },
    { names: ["--help", "-h"], description: "show help" },
  ]
  const groups = [...new Set(commands.filter((c) => c.words.length > 1).map((c) => c.words[0]))]
  return { commands, global, groups: groups as string[] }
}

/** Every flag that takes a value, in the command and globally (their values are not words). */
export function valuedFlags(spec: CompletionSpec): string[] {
  const all = [...spec.global, ...spec.commands.flatMap((c) => c.flags)]
  return [...new Set(all.filter((f) => f.value !== undefined).flatMap((f) => f.names))]
}

/** The words that may follow `agentstore` (commands and groups), in table order. */
export function topWords(spec: CompletionSpec): string[] {
  return [...new Set(spec.commands.map((c) => c.words[0] as string))]
}
