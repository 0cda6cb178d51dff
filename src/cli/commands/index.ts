import type { CliCommand, CommandEntry, IdKind } from "../io.js"

type Loader = () => Promise<CliCommand>

/** Loads the module `load` imports and picks its command `key`. */
function from<K extends string, M extends Record<K, CliCommand>>(
  load: () => Promise<M>,
  key: K,
): Loader {
  return async () => (await load())[key]
}

function entry(
  name: string,
  summary: string,
  load: Loader,
  extra: {
    args?: string
    creates?: boolean
    pager?: false
    ids?: IdKind
    choices?: string[]
    hidden?: boolean
  } = {},
): CommandEntry {
  return { name, summary, load, ...extra }
}

const sessions = () => import("./sessions.js")
const messages = () => import("./messages.js")
const events = () => import("./events.js")
const tools = () => import("./tools.js")
const plan = () => import("./plan.js")
const artifacts = () => import("./artifacts.js")
const bundle = () => import("./bundle.js")

/**
 * Every command, in the order `--help` lists them. Only names and summaries live here: a
 * command's module (its options and `run`) is imported when the command is chosen.
 */
export const COMMANDS: CommandEntry[] = [
  entry(
    "init",
    "create the store and bring its schema up to date",
    from(() => import("./init.js"), "initCommand"),
    { creates: true },
  ),
  entry(
    "migrate",
    "show or change the schema version (going down asks, or needs --yes)",
    from(() => import("./migrate.js"), "migrateCommand"),
  ),
  entry("sessions list", "list sessions, newest first", from(sessions, "sessionsList")),
  entry(
    "sessions show",
    "show one session with its usage and activity",
    from(sessions, "sessionsShow"),
    { ids: "sessions", args: "<id>" },
  ),
  entry("sessions rename", "change a session's title", from(sessions, "sessionsRename"), {
    ids: "sessions",
    args: "<id> <title>",
  }),
  entry(
    "sessions delete",
    "delete a session with its messages, events and tool invocations",
    from(sessions, "sessionsDelete"),
    { ids: "sessions", args: "<id>" },
  ),
  entry(
    "sessions pin",
    "keep a session whatever the retention policy says",
    from(sessions, "sessionsPin"),
    { ids: "sessions", args: "<id>" },
  ),
  entry("sessions unpin", "let retention apply again", from(sessions, "sessionsUnpin"), {
    ids: "sessions",
    args: "<id>",
  }),
  entry("messages list", "print a session's transcript", from(messages, "messagesList"), {
    ids: "sessions",
    args: "<session>",
  }),
  entry(
    "messages append",
    "append one message to a session's transcript",
    from(messages, "messagesAppend"),
    { ids: "sessions", args: "<session>", creates: true },
  ),
  entry("events query", "list events in cursor (commit) order", from(events, "eventsQuery")),
  entry(
    "events summary",
    "count events by kind, sessions and time range",
    from(events, "eventsSummary"),
  ),
  entry("events tail", "follow events live until Ctrl-C", from(events, "eventsTail"), {
    pager: false,
  }),
  entry("tools list", "list tool invocations, newest first", from(tools, "toolsList")),
  entry("tools show", "show one tool invocation in full", from(tools, "toolsShow"), {
    ids: "tools",
    args: "<id>",
  }),
  entry("plan list", "list plans, newest first", from(plan, "planList")),
  entry(
    "plan status",
    "show a plan, what its changeset does and every recorded change",
    from(plan, "planStatus"),
    { ids: "plans", args: "<id>" },
  ),
  entry(
    "plan diff",
    "print the plan's net diff (unified, git-style) or a per-file stat",
    from(plan, "planDiff"),
    { ids: "plans", args: "<id>" },
  ),
  entry(
    "plan apply",
    "apply the plan's changes to a workspace directory",
    from(plan, "planApply"),
    { ids: "plans", args: "<id>" },
  ),
  entry(
    "plan cancel",
    "cancel a plan: remove its changes and the blobs only they used",
    from(plan, "planCancel"),
    { ids: "plans", args: "<id>" },
  ),
  entry(
    "artifacts put",
    "store a file (or stdin with '-') as an artifact",
    from(artifacts, "artifactsPut"),
    { args: "<file>", creates: true },
  ),
  entry(
    "artifacts get",
    "write an artifact's content to stdout or a file",
    from(() => import("./artifacts-get.js"), "artifactsGet"),
    { ids: "artifacts", args: "<handle>" },
  ),
  entry("artifacts list", "list artifacts, newest first", from(artifacts, "artifactsList")),
  entry(
    "artifacts drill",
    "read a slice of an artifact without loading all of it",
    from(artifacts, "artifactsDrill"),
    { ids: "artifacts", args: "<handle>" },
  ),
  entry(
    "artifacts gc",
    "delete blobs no artifact or change refers to",
    from(artifacts, "artifactsGc"),
  ),
  entry(
    "export",
    "write a checksummed bundle of sessions, an agent, or the whole namespace",
    from(bundle, "exportCommand"),
    { pager: false },
  ),
  entry(
    "import",
    "verify a bundle completely, then write it in one transaction (fresh ids unless --keep-ids)",
    from(bundle, "importCommand"),
    { args: "<file>", creates: true },
  ),
  entry(
    "gc",
    "apply the retention policy (config file and/or flags) and reclaim space",
    from(() => import("./gc.js"), "gcCommand"),
  ),
  entry(
    "demo",
    "seed a realistic demo store and show what to try next",
    from(() => import("./demo.js"), "demoCommand"),
    { creates: true },
  ),
  entry(
    "completion",
    "print a shell completion script (bash, zsh or fish)",
    from(() => import("./completion.js"), "completionCommand"),
    { args: "<shell>", choices: ["bash", "zsh", "fish"] },
  ),
  entry(
    "__complete",
    "print ids for the completion scripts",
    from(() => import("./complete-ids.js"), "completeIds"),
    { args: "<kind>", hidden: true, pager: false },
  ),
  entry(
    "version",
    "print the version",
    from(() => import("./version.js"), "versionCommand"),
  ),
]
