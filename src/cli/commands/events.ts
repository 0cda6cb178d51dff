import type { Event, EventFilter } from "../../core/types.js"
import { brief, num, oneLine, padVisible, paint, printJson, table, truncate } from "../format.js"
import { cursorHint } from "../hints.js"
import type { CliArgs, CliCommand, CliIo, CliOption } from "../io.js"
import { asFlags, intOption, limitOption, listOption, pageLimit } from "../parse.js"
import { withStore } from "../store.js"
import { clock, timeHeader, zoned } from "../time.js"

const FILTER_OPTIONS: CliOption[] = [
  { flags: "--session <id>", description: "only this session's events" },
  { flags: "--agent <name>", description: "only this agent's events" },
  { flags: "--kind <kind>", description: "only this kind (repeat for more)", repeat: true },
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

/** The library's filter fields and the flags that set them. */
const FILTER_FLAGS: Record<string, string> = {
  sessionId: "--session",
  agent: "--agent",
  kinds: "--kind",
  parentId: "--parent",
  since: "--since",
  until: "--until",
  limit: "--limit",
  after: "--cursor",
  before: "--cursor",
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
    clock(io, e.time),
    paint(io, io.stdout, KIND_COLOUR[e.kind] ?? "bold", e.kind),
    e.agent ?? "-",
    e.sessionId ?? "-",
    truncate(oneLine(e.text ?? brief(e.data)), 120),
  ])
}

function headers(io: CliIo): string[] {
  return ["CURSOR", timeHeader(io, "TIME"), "KIND", "AGENT", "SESSION", "TEXT / DATA"]
}

/** `agentstore events query`. */
export const eventsQuery: CliCommand = {
  options: [
    ...FILTER_OPTIONS,
    {
      flags: "--cursor <cursor>",
      description: "continue after this cursor (before it with --desc)",
    },
    { flags: "--after <cursor>", description: "old spelling of --cursor", hidden: true },
    limitOption("100"),
    { flags: "--desc", description: "newest first" },
  ],
  async run(args, io) {
    const o = args.options
    const cursor = o.cursor ?? o.after
    const page = await withStore(args, (store) =>
      asFlags(FILTER_FLAGS, () =>
        store.events.query({
          ...filterOf(args),
          limit: pageLimit(o.limit),
          order: o.desc ? "desc" : "asc",
          ...(typeof cursor === "string" ? (o.desc ? { before: cursor } : { after: cursor }) : {}),
        }),
      ),
    )
    if (args.global.json) {
      printJson(io, page)
      return 0
    }
    if (page.events.length === 0) io.stdout.write("no events\n")
    else io.stdout.write(table(headers(io), rows(io, page.events)))
    if (page.nextCursor) cursorHint(io, args, page.nextCursor, ["--after"])
    return 0
  },
}

/** `agentstore events summary`. */
export const eventsSummary: CliCommand = {
  options: FILTER_OPTIONS,
  async run(args, io) {
    const s = await withStore(args, (store) =>
      asFlags(FILTER_FLAGS, () => store.events.summary(filterOf(args))),
    )
    if (args.global.json) {
      printJson(io, s)
      return 0
    }
    io.stdout.write(
      `${num(s.total)} events in ${num(s.sessions)} sessions, ${clock(io, s.firstTime)} → ${zoned(io, s.lastTime)}\n`,
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
  options: [
    ...FILTER_OPTIONS.filter((o) => !/--since|--until/.test(o.flags)),
    {
      flags: "--latest <n>",
      description: "print this many recent events first (0-1000, default 10)",
    },
    { flags: "--last <n>", description: "old spelling of --latest", hidden: true },
    { flags: "--max <n>", description: "stop after printing this many events" },
    { flags: "--interval <ms>", description: "re-read at least this often while idle" },
  ],
  async run(args, io) {
    const o = args.options
    const filter = filterOf(args)
    const last = intOption(
      o.latest === undefined && o.last !== undefined ? "last" : "latest",
      o.latest ?? o.last ?? "10",
      0,
      1000,
    ) as number
    const max = intOption("max", o.max, 1)
    const interval = intOption("interval", o.interval, 10, 60_000)
    const stop = new AbortController()
    void io.interrupted?.().then(() => stop.abort())
    return withStore(args, async (store) => {
      const printer = tailPrinter(args, io)
      const newest = await store.events.tail(Math.max(1, last), filter)
      const after = newest.at(-1)?.cursor
      if (last > 0) printer(newest.slice(0, max))
      let printed = Math.min(last > 0 ? newest.length : 0, max ?? Number.MAX_SAFE_INTEGER)
      const subscription = store.events.subscribe(filter, {
        signal: stop.signal,
        ...(after === undefined ? {} : { after }),
        ...(interval === undefined ? {} : { pollIntervalMs: interval }),
      })
      try {
        while (max === undefined || printed < max) {
          const next = await subscription.next()
          if (next.done) break
          printer([next.value])
          printed++
        }
      } finally {
        subscription.close()
      }
      return 0
    })
  },
}

function tailPrinter(args: CliArgs, io: CliIo): (events: Event[]) => void {
  let headed = false
  return (events) => {
    if (events.length === 0) return
    if (args.global.json) {
      for (const e of events) io.stdout.write(`${JSON.stringify(e)}\n`)
      return
    }
    const widths = [8, 19, 16, 12, 26]
    const line = (cells: string[]) =>
      cells.map((c, i) => (i < widths.length ? padVisible(c, widths[i] as number) : c)).join("  ")
    if (!headed) io.stdout.write(`${line(headers(io))}\n`)
    headed = true
    for (const row of rows(io, events)) io.stdout.write(`${line(row)}\n`)
  }
}
