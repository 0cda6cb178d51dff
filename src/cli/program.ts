import { Command, CommanderError, Option } from "commander"
import { AgentStoreError, ERROR_STATUS } from "../core/errors.js"
import type { Store } from "../core/store.js"
import { openStore } from "../open.js"
import { paint } from "./format.js"
import { type CliArgs, type CliCommand, type CliIo, EXIT, type GlobalOptions } from "./io.js"

/** Opens the store the global options name, runs `fn`, and closes it. */
export async function withStore<T>(
  args: CliArgs,
  fn: (store: Store) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const store = await openStore(args.global.store, {
    migrate: options.migrate ?? true,
    ...(args.global.namespace === undefined ? {} : { namespace: args.global.namespace }),
  })
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

/** Prints an error as `error CODE: message` (a stack only with `--verbose`) and returns its exit code. */
export function reportError(io: CliIo, error: unknown, verbose: boolean): number {
  if (error instanceof AgentStoreError) {
    io.stderr.write(`${paint(io, io.stderr, "red", `error ${error.code}`)}: ${error.message}\n`)
    if (verbose) {
      if (Object.keys(error.details).length > 0) {
        io.stderr.write(`details: ${JSON.stringify(error.details)}\n`)
      }
      io.stderr.write(`${error.stack ?? ""}\n`)
    }
    return ERROR_STATUS[error.code].exit
  }
  const e = error as Error
  io.stderr.write(
    `${paint(io, io.stderr, "red", "error INTERNAL")}: ${e?.message ?? String(error)}\n`,
  )
  if (verbose) io.stderr.write(`${e?.stack ?? ""}\n`)
  return EXIT.error
}

/**
 * Parses `argv` (without `node` and the script) and runs the chosen command.
 * Returns the exit code; never exits the process.
 */
export async function runCli(argv: string[], io: CliIo, commands: CliCommand[]): Promise<number> {
  const program = build(io, commands)
  let code: number | undefined
  const done = (c: number) => {
    code = c
  }
  for (const command of commands) attach(program, command, io, done)
  try {
    await program.parseAsync(argv, { from: "user" })
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code.startsWith("commander.help") || error.code === "commander.version"
        ? EXIT.ok
        : EXIT.usage
    }
    return reportError(io, error, argv.includes("--verbose"))
  }
  return code ?? EXIT.ok
}

function build(io: CliIo, commands: CliCommand[]): Command {
  const program = new Command("agentstore")
    .description("Inspect, export, import and prune an agentstore.")
    .addOption(
      new Option(
        "--store <url>",
        "store URL: a directory, sqlite:<file>, :memory:, postgres://…",
      ).default(io.env.AGENTSTORE_URL || "./.agentstore"),
    )
    .option("--namespace <name>", "the namespace (tenant) to work in", io.env.AGENTSTORE_NAMESPACE)
    .option("--json", "print JSON for scripts", false)
    .option("--verbose", "print stack traces and details with errors", false)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
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
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
  }
  return program
}

function attach(
  program: Command,
  command: CliCommand,
  io: CliIo,
  done: (code: number) => void,
): void {
  const words = command.name.split(" ")
  let parent = program
  for (const word of words.slice(0, -1)) {
    parent = parent.commands.find((c) => c.name() === word) ?? parent
  }
  const sub = parent
    .command(`${words.at(-1)}${command.args ? ` ${command.args}` : ""}`)
    .description(command.summary)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
  for (const option of command.options) {
    if (option.default === undefined) sub.option(option.flags, option.description)
    else sub.option(option.flags, option.description, option.default as string)
  }
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
      ...(typeof all.namespace === "string" ? { namespace: all.namespace } : {}),
    }
    try {
      done(await command.run({ positionals, options: cmd.opts(), global }, io))
    } catch (error) {
      done(reportError(io, error, global.verbose))
    }
  })
}
