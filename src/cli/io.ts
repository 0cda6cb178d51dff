/** Somewhere text goes: a stream, or a buffer in tests. */
export interface CliOutput {
  write(text: string): unknown
  /** True when a person is watching (colours, progress bars). */
  isTTY?: boolean
  /** The terminal's height, when it is one (long output goes through a pager). */
  rows?: number
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
  /** Asks a question on the terminal and resolves with the answer; absent without a terminal. */
  ask?: (question: string) => Promise<string>
  /** `--color`: `always`/`never` override the terminal check; default `auto`. */
  color?: "auto" | "always" | "never"
  /** The IANA zone times are shown in (`--local`, `AGENTSTORE_TZ`); default UTC. */
  timeZone?: string
  /** Where relative paths are resolved. Default: the process's working directory. */
  cwd?: string
}

/** Options every command takes. */
export interface GlobalOptions {
  store: string
  namespace?: string
  json: boolean
  verbose: boolean
  /** `--color`: `auto` colours a terminal unless `NO_COLOR` is set (`FORCE_COLOR` forces it). */
  color: "auto" | "always" | "never"
  /** False with `--no-pager`. */
  pager: boolean
  /** `--local`: times in the system's zone instead of UTC (or `AGENTSTORE_TZ`). */
  local: boolean
}

/** A command's parsed arguments. */
export interface CliArgs {
  /** Positional arguments in the order the command declares them. */
  positionals: string[]
  options: Record<string, unknown>
  global: GlobalOptions
  /** The words and options as typed after the program name (for "more:" hints). */
  argv: string[]
  /** True for commands that may create a missing store (`init`, `demo`, `import`, writes). */
  creates: boolean
}

/** One option of a command, in commander's flag syntax (`--limit <n>`). */
export interface CliOption {
  flags: string
  description: string
  default?: string | boolean | string[]
  /** Repeatable: each use adds a value (`--kind a --kind b`); the value is a string array. */
  repeat?: boolean
  /** An old spelling kept working for one release; not listed in `--help`. */
  hidden?: boolean
}

/**
 * What a command does once chosen: its options and `run`, which returns the exit code and
 * never calls `process.exit`. Lives in the command's own module, loaded on dispatch.
 */
export interface CliCommand {
  options: CliOption[]
  run(args: CliArgs, io: CliIo): Promise<number>
}

/** Ids a store can list for shell completion (`agentstore __complete sessions`). */
export type IdKind = "sessions" | "plans" | "artifacts" | "tools"

/**
 * A command in the one table `--help` lists: the words that select it and a loader for its
 * module, so a process loads only the command it runs.
 */
export interface CommandEntry {
  /** Words that select it: `"sessions list"`. */
  name: string
  /** Positional arguments in commander syntax: `"<id> [title]"`. */
  args?: string
  summary: string
  /** May create a store that does not exist yet. */
  creates?: boolean
  /** Left out of `--help` and shell completion (`__complete`). */
  hidden?: boolean
  /** What the first positional argument names, for shell completion. */
  ids?: IdKind
  /** The words the first positional argument may be, for shell completion. */
  choices?: string[]
  /** False for commands whose output is live or binary (`events tail`, `export`): never paged. */
  pager?: false
  load(): Promise<CliCommand>
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
