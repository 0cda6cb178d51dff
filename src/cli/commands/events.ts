import { setTimeout as sleep } from "node:timers/promises"
import type { Event, EventFilter } from "../../core/types.js"
import { brief, clock, num, paint, printJson, table } from "../format.js"
import type { CliArgs, CliCommand, CliIo, CliOption } from "../io.js"
import { intOption, listOption } from "../parse.js"
import { withStore } from "../program.js"

const FILTER_OPTIONS: CliOption[] = [
  { flags: "--session <id>", description: "only this session's events" },
  { flags: "--agent <name>", description: "only this agent's events" },
  { flags: "--kind <kinds>", description: "only these kinds, comma-separated" },
  { flags: "--parent <id>", description: "only children of this event" },
  { flags: "--since <time>", description: "at or after this time (ISO-8601)" },
  { flags: "--until <time>", description: "before this time (ISO-8601)" },
]

function filterOf(args: CliArgs): EventFilter {
  const o = args.options
  const f: EventFilter = {}
  if (typeof o.session === "string") f.sessionId = o.session
  if (typeof o.agent === "string") f.agent = o.agent
  const kinds = listOption(o.kind)
  if (kinds) f.kinds = kinds
  if (typeof o.parent === "string") f.parentId = o.parent
  if (typeof o.since === "string") f.since = o.since
  if (typeof o.until === "string") f.until = o.until
  return f
}

const KIND_COLOUR: Record<
  string,
  "cyan" | "green" | "magenta" | "yellow" | "red" | "blue" | "dim"
> = {
  prompt_sent: "cyan",
  output: "green",
  thinking: "dim",
  tool_use: "magenta",
  tool_result: "magenta",
  result: "blue",
  activity_changed: "yellow",
  context_cleared: "yellow",
  error: "red",
}

function rows(io: CliIo, events: Event[]): string[][] {
  return events.map((e) => [
    e.cursor,
    clock(e.time),
    paint(io, io.stdout, KIND_COLOUR[e.kind] ?? "bold", e.kind),
    e.agent ?? "-",
    e.sessionId ?? "-",
    e.text ?? brief(e.data),
  ])
}

const HEADERS = ["CURSOR", "TIME", "KIND", "AGENT", "SESSION", "TEXT / DATA"]

/** `agentstore events query`. */
export const eventsQuery: CliCommand = {
  name: "events query",
  summary: "list events in cursor (commit) order",
  options: [
    ...FILTER_OPTIONS,
    { flags: "--after <cursor>", description: "only events after this cursor" },
    { flags: "--limit <n>", description: "most rows (1-1000)", default: "100" },
    { flags: "--desc", description: "newest first" },
  ],
  async run(args, io) {
    const o = args.options
    const page = await withStore(args, (store) =>
      store.events.query({
        ...filterOf(args),
        limit: intOption("limit", o.limit, 1, 1000) as number,
        order: o.desc ? "desc" : "asc",
        ...(typeof o.after === "string" ? (o.desc ? { before: o.after } : { after: o.after }) : {}),
      }),
    )
    if (args.global.json) {
      printJson(io, page)
      return 0
    }
    if (page.events.length === 0) io.stdout.write("no events\n")
    else io.stdout.write(table(HEADERS, rows(io, page.events)))
    if (page.nextCursor) io.stdout.write(`more: --after ${page.nextCursor}\n`)
    return 0
  },
}

/** `agentstore events summary`. */
export const eventsSummary: CliCommand = {
  name: "events summary",
  summary: "count events by kind, sessions and time range",
  options: FILTER_OPTIONS,
  async run(args, io) {
    const s = await withStore(args, (store) => store.events.summary(filterOf(args)))
    if (args.global.json) {
      printJson(io, s)
      return 0
    }
    io.stdout.write(
      `${num(s.total)} events in ${num(s.sessions)} sessions, ${clock(s.firstTime)} → ${clock(s.lastTime)}\n`,
    )
    const kinds = Object.entries(s.byKind).sort((a, b) => b[1] - a[1])
    if (kinds.length > 0)
      io.stdout.write(
        table(
          ["KIND", "COUNT"],
          kinds.map(([k, n]) => [k, num(n)]),
        ),
      )
    return 0
  },
}

/** `agentstore events tail`: prints the newest events, then follows new ones until Ctrl-C. */
export const eventsTail: CliCommand = {
  name: "events tail",
  summary: "follow events live until Ctrl-C",
  options: [
    ...FILTER_OPTIONS,
    {
      flags: "--last <n>",
      description: "print this many recent events first (0-1000)",
      default: "10",
    },
    { flags: "--max <n>", description: "stop after printing this many events" },
    {
      flags: "--interval <ms>",
      description: "poll interval when the backend cannot notify",
      default: "250",
    },
  ],
  async run(args, io) {
    const o = args.options
    const filter = filterOf(args)
    const last = intOption("last", o.last, 0, 1000) as number
    const max = intOption("max", o.max, 1)
    const interval = intOption("interval", o.interval, 10, 60_000) as number
    let stop = false
    void io.interrupted?.().then(() => {
      stop = true
    })
    return withStore(args, async (store) => {
      let printed = 0
      let headed = false
      const print = (events: Event[]) => {
        const take = max === undefined ? events : events.slice(0, max - printed)
        if (take.length === 0) return
        printed += take.length
        if (args.global.json) {
          for (const e of take) io.stdout.write(`${JSON.stringify(e)}\n`)
          return
        }
        const text = table(HEADERS, rows(io, take))
        io.stdout.write(headed ? text.slice(text.indexOf("\n") + 1) : text)
        headed = true
      }
      const newest = await store.events.tail(Math.max(1, last), filter)
      let cursor = newest.at(-1)?.cursor
      if (last > 0) print(newest)
      while (!stop && (max === undefined || printed < max)) {
        const page = await store.events.query({
          ...filter,
          limit: 1000,
          ...(cursor ? { after: cursor } : {}),
        })
        print(page.events)
        cursor = page.events.at(-1)?.cursor ?? cursor
        if (!page.hasMore) await Promise.race([sleep(interval), io.interrupted?.()])
      }
      return 0
    })
  },
}
