/** Somewhere text goes: a stream, or a buffer in tests. */
export interface CliOutput {
  write(text: string): unknown
  /** True when a person is watching (colours, progress bars). */
  isTTY?: boolean
}

/** What a command may touch: its output streams, its environment and its input. */
export interface CliIo {
  stdout: CliOutput
  stderr: CliOutput
  env: Record<string, string | undefined>
  /** Input for `import -` and `messages append` without `--content`. */
  stdin?: AsyncIterable<Buffer | string>
  /** Starts listening for Ctrl-C; the promise resolves when the user asks to stop (`events tail`). */
  interrupted?: () => Promise<void>
  /** Where relative paths are resolved. Default: the process's working directory. */
  cwd?: string
}

/** Options every command takes. */
export interface GlobalOptions {
  store: string
  namespace?: string
  json: boolean
  verbose: boolean
}

/** A command's parsed arguments. */
export interface CliArgs {
  /** Positional arguments in the order the command declares them. */
  positionals: string[]
  options: Record<string, unknown>
  global: GlobalOptions
}

/** One option of a command, in commander's flag syntax (`--limit <n>`). */
export interface CliOption {
  flags: string
  description: string
  default?: string | boolean | string[]
}

/**
 * A command: a plain object registered in one array. `run` returns the exit code and never
 * calls `process.exit`.
 */
export interface CliCommand {
  /** Words that select it: `"sessions list"`. */
  name: string
  /** Positional arguments in commander syntax: `"<id> [title]"`. */
  args?: string
  summary: string
  options: CliOption[]
  run(args: CliArgs, io: CliIo): Promise<number>
}

/** Exit codes. Errors map through `ERROR_STATUS` in `core/errors.ts`. */
export const EXIT = Object.freeze({
  ok: 0,
  error: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  integrity: 5,
})
