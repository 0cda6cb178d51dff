import { Command, CommanderError, Option } from "commander"
import { chooseEntry } from "./dispatch.js"
import { ENVIRONMENT, globalOptions } from "./globals.js"
import {
  type CliCommand,
  type CliIo,
  type CliOption,
  type CommandEntry,
  EXIT,
  type GlobalOptions,
} from "./io.js"
import { choosePager, pagedOutput } from "./pager.js"
import { type ReportStyle, reportError, reportUsage } from "./report.js"
import { chooseZone } from "./time.js"
import { packageVersion } from "./version.js"

/**
 * Parses `argv` (without `node` and the script) and runs the chosen command. Only the chosen
 * command's module is loaded. Returns the exit code; never exits the process.
 */
export async function runCli(argv: string[], io: CliIo, commands: CommandEntry[]): Promise<number> {
  const style: ReportStyle = { json: argv.includes("--json"), verbose: argv.includes("--verbose") }
  let usage = ""
  const program = build(io, commands, style, (message) => {
    usage = message
  })
  let code: number | undefined
  const chosen = chooseEntry(argv, commands)
  try {
    for (const entry of commands) {
      const sub = attachEntry(program, entry, io, style)
      if (entry === chosen)
        attachRun(sub, entry, await entry.load(), io, argv, (c) => {
          code = c
        })
    }
    await program.parseAsync(argv, { from: "user" })
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code.startsWith("commander.help") || error.code === "commander.version")
        return EXIT.ok
      return reportUsage(io, usage || error.message, style)
    }
    return reportError(io, error, style)
  }
  return code ?? EXIT.ok
}

function output(io: CliIo, style: ReportStyle, onError: (message: string) => void) {
  return {
    writeOut: (s: string) => io.stdout.write(s),
    writeErr: (s: string) => (style.json ? undefined : io.stderr.write(s)),
    outputError: (s: string, write: (s: string) => void) => {
      onError(s)
      if (!style.json) write(s)
    },
  }
}

function build(
  io: CliIo,
  commands: CommandEntry[],
  style: ReportStyle,
  onError: (message: string) => void,
): Command {
  const program = new Command("agentstore")
    .description("Inspect, export, import and prune an agentstore.")
    .version(packageVersion(), "-V, --version", "print the version")
    .addHelpText("after", ENVIRONMENT)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput(output(io, style, onError))
  for (const option of globalOptions(io.env)) program.addOption(option)
  const groups = new Set(
    commands
      .map((c) => c.name.split(" "))
      .filter((w) => w.length > 1)
      .map((w) => w[0]),
  )
  for (const group of groups) {
    program
      .command(group as string)
      .description(`${group} commands`)
      .exitOverride()
      .configureOutput(output(io, style, onError))
  }
  return program
}

function attachEntry(
  program: Command,
  entry: CommandEntry,
  io: CliIo,
  style: ReportStyle,
): Command {
  const words = entry.name.split(" ")
  let parent = program
  for (const word of words.slice(0, -1)) {
    parent = parent.commands.find((c) => c.name() === word) ?? parent
  }
  return parent
    .command(`${words.at(-1)}${entry.args ? ` ${entry.args}` : ""}`, {
      hidden: entry.hidden === true,
    })
    .description(entry.summary)
    .exitOverride()
    .configureOutput(output(io, style, () => undefined))
}

function toOption(option: CliOption): Option {
  const o = new Option(option.flags, option.description)
  if (option.repeat)
    o.argParser((value: string, previous: unknown) => [
      ...(Array.isArray(previous) ? previous : []),
      value,
    ])
  if (option.default !== undefined) o.default(option.default)
  if (option.hidden) o.hideHelp()
  return o
}

function attachRun(
  sub: Command,
  entry: CommandEntry,
  command: CliCommand,
  io: CliIo,
  argv: string[],
  done: (code: number) => void,
): void {
  for (const option of command.options) sub.addOption(toOption(option))
  sub.action(async (...params: unknown[]) => {
    const cmd = params.at(-1) as Command
    const positionals = params
      .slice(0, -2)
      .flatMap((p) => (p === undefined ? [] : Array.isArray(p) ? p : [String(p)]))
    const all = cmd.optsWithGlobals() as Record<string, unknown>
    const global: GlobalOptions = {
      store: String(all.store),
      json: all.json === true,
      verbose: all.verbose === true,
      color: all.color as GlobalOptions["color"],
      local: all.local === true,
      pager: all.pager !== false,
      ...(typeof all.namespace === "string" ? { namespace: all.namespace } : {}),
    }
    const args = { positionals, options: cmd.opts(), global, argv, creates: entry.creates === true }
    const pager = entry.pager === false ? undefined : choosePager(io, global.pager)
    const stdout = pager === undefined ? undefined : pagedOutput(io, pager)
    try {
      const timeZone = chooseZone(io.env, global.local)
      done(
        await command.run(args, {
          ...io,
          ...(stdout ? { stdout } : {}),
          color: global.color,
          timeZone,
        }),
      )
    } catch (error) {
      done(reportError(io, error, global))
    } finally {
      await stdout?.finish()
    }
  })
}
