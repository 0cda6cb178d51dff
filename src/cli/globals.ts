import { Option } from "commander"

/** The environment variables `--help` lists. */
export const ENVIRONMENT = `
Environment:
  AGENTSTORE_URL        the store when --store is not given (default ./.agentstore)
  AGENTSTORE_NAMESPACE  the namespace when --namespace is not given (default "default")
  AGENTSTORE_RETENTION  the retention config file for gc
  AGENTSTORE_PAGER      the pager for long output on a terminal (else PAGER, else less -FRX);
                        empty or cat turns paging off, as does --no-pager
  AGENTSTORE_TZ         the zone times are shown in: local, UTC (default) or an IANA name
  NO_COLOR, FORCE_COLOR turn colour off or on (or --color never|always)
`

/**
 * The options every command takes, before or after the command words. One list, read by the
 * parser and by the shell completion scripts.
 */
export function globalOptions(env: Record<string, string | undefined>): Option[] {
  const namespace = new Option(
    "--namespace <name>",
    "the namespace (tenant) to work in ($AGENTSTORE_NAMESPACE)",
  )
  if (env.AGENTSTORE_NAMESPACE !== undefined) namespace.default(env.AGENTSTORE_NAMESPACE)
  return [
    new Option(
      "--store <url>",
      "store URL: a directory, sqlite:<file>, :memory:, postgres://… ($AGENTSTORE_URL)",
    ).default(env.AGENTSTORE_URL || "./.agentstore"),
    namespace,
    new Option("--json", "print JSON for scripts (errors too, on stderr)").default(false),
    new Option("--verbose", "print stack traces and details with errors").default(false),
    new Option("--color <when>", "colour output")
      .choices(["auto", "always", "never"])
      .default("auto"),
    new Option("--no-pager", "never send long output through a pager"),
    new Option(
      "--local",
      "show times in the local time zone instead of UTC ($AGENTSTORE_TZ)",
    ).default(false),
  ]
}
