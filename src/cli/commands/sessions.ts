import type { Session } from "../../core/types.js"
import { confirm, YES_OPTION } from "../confirm.js"
import { ago, fields, num, printJson, table } from "../format.js"
import { cursorHint } from "../hints.js"
import type { CliCommand, CliIo } from "../io.js"
import { pageLimit, pageOptions } from "../parse.js"
import { withStore } from "../store.js"
import { zoned } from "../time.js"

function tokens(s: Session): string {
  return num(s.usage.total || s.usage.input + s.usage.output)
}

function pinned(s: Session): boolean {
  return s.metadata.pinned === true
}

/** `agentstore sessions list`. */
export const sessionsList: CliCommand = {
  options: [
    { flags: "--agent <name>", description: "only this agent's sessions" },
    ...pageOptions("50"),
  ],
  async run(args, io) {
    const o = args.options
    const page = await withStore(args, (store) =>
      store.sessions.list({
        orderBy: "updatedAt",
        order: "desc",
        limit: pageLimit(o.limit),
        ...(typeof o.agent === "string" ? { agent: o.agent } : {}),
        ...(typeof o.cursor === "string" ? { cursor: o.cursor } : {}),
      }),
    )
    if (args.global.json) {
      printJson(io, page)
      return 0
    }
    if (page.items.length === 0) {
      io.stdout.write("no sessions\n")
      return 0
    }
    io.stdout.write(
      table(
        ["ID", "AGENT", "#", "TITLE", "MESSAGES", "TOKENS", "UPDATED"],
        page.items.map((s) => [
          s.id,
          s.agent,
          String(s.number),
          (pinned(s) ? "[pinned] " : "") + (s.title ?? "-"),
          num(s.messageCount),
          tokens(s),
          ago(s.updatedAt),
        ]),
        48,
      ),
    )
    if (page.nextCursor) cursorHint(io, args, page.nextCursor)
    return 0
  },
}

/** `agentstore sessions show <id>`. */
export const sessionsShow: CliCommand = {
  options: [],
  async run(args, io) {
    const id = args.positionals[0] as string
    const { session, summary, tools } = await withStore(args, async (store) => ({
      session: await store.sessions.get(id),
      summary: await store.events.summary({ sessionId: id }),
      tools: (await store.tools.list({ sessionId: id, limit: 1000 })).items.length,
    }))
    if (args.global.json) {
      printJson(io, { session, events: summary, toolInvocations: tools })
      return 0
    }
    printSession(io, session, summary.total, tools)
    const kinds = Object.entries(summary.byKind)
    if (kinds.length > 0) {
      io.stdout.write(
        `\n${table(
          ["KIND", "EVENTS"],
          kinds.map(([k, n]) => [k, num(n)]),
        )}`,
      )
    }
    return 0
  },
}

function printSession(io: CliIo, s: Session, events: number, tools: number): void {
  const extra = Object.entries(s.usage.extra).map(([k, v]) => `${k} ${num(v)}`)
  io.stdout.write(
    fields([
      ["id", s.id],
      ["agent", `${s.agent} (session #${s.number})`],
      ["title", s.title ?? "-"],
      ["pinned", pinned(s) ? "yes" : "no"],
      ["created", `${zoned(io, s.createdAt)} (${ago(s.createdAt)})`],
      ["updated", `${zoned(io, s.updatedAt)} (${ago(s.updatedAt)})`],
      ["messages", num(s.messageCount)],
      ["events", num(events)],
      ["tool calls", num(tools)],
      [
        "tokens",
        `input ${num(s.usage.input)}, output ${num(s.usage.output)}, total ${num(s.usage.total)}${extra.length ? `, ${extra.join(", ")}` : ""}`,
      ],
      ["metadata", JSON.stringify(s.metadata)],
    ]),
  )
}

/** `agentstore sessions rename <id> <title>`. */
export const sessionsRename: CliCommand = {
  options: [],
  async run(args, io) {
    const [id, title] = args.positionals as [string, string]
    const session = await withStore(args, (store) => store.sessions.update(id, { title }))
    if (args.global.json) printJson(io, session)
    else io.stdout.write(`renamed ${session.id} to ${JSON.stringify(session.title)}\n`)
    return 0
  },
}

/** `agentstore sessions delete <id>`. */
export const sessionsDelete: CliCommand = {
  options: [YES_OPTION],
  async run(args, io) {
    const id = args.positionals[0] as string
    await withStore(args, async (store) => {
      await store.sessions.get(id)
      await confirm(io, args, `deleting session ${id} with its messages, events and tool calls`)
      await store.sessions.delete(id)
    })
    if (args.global.json) printJson(io, { deleted: id })
    else io.stdout.write(`deleted session ${id}\n`)
    return 0
  },
}

function pinCommand(pin: boolean): CliCommand {
  return {
    options: [],
    async run(args, io) {
      const id = args.positionals[0] as string
      const session = await withStore(args, (store) =>
        store.sessions.update(id, { metadata: { pinned: pin } }),
      )
      if (args.global.json) printJson(io, session)
      else io.stdout.write(`${pin ? "pinned" : "unpinned"} session ${id}\n`)
      return 0
    },
  }
}

/** `agentstore sessions pin <id>` / `unpin <id>`: sets `metadata.pinned`. */
export const sessionsPin = pinCommand(true)
/** See `sessionsPin`. */
export const sessionsUnpin = pinCommand(false)
