import type { ToolInvocation, ToolStatus } from "../../core/types.js"
import { brief, fields, paint, printJson, table } from "../format.js"
import { cursorHint } from "../hints.js"
import type { CliCommand, CliIo } from "../io.js"
import { pageLimit, pageOptions } from "../parse.js"
import { withStore } from "../store.js"
import { clock, timeHeader, zoned } from "../time.js"

function status(io: CliIo, s: ToolStatus): string {
  const colour =
    s === "succeeded" ? "green" : s === "failed" ? "red" : s === "running" ? "yellow" : "dim"
  return paint(io, io.stdout, colour, s)
}

/** `agentstore tools list`. */
export const toolsList: CliCommand = {
  options: [
    { flags: "--session <id>", description: "only this session's" },
    { flags: "--tool <name>", description: "only this tool" },
    { flags: "--status <status>", description: "running, succeeded, failed or cancelled" },
    ...pageOptions("50"),
  ],
  async run(args, io) {
    const o = args.options
    const page = await withStore(args, (store) =>
      store.tools.list({
        order: "desc",
        limit: pageLimit(o.limit),
        ...(typeof o.session === "string" ? { sessionId: o.session } : {}),
        ...(typeof o.tool === "string" ? { tool: o.tool } : {}),
        ...(typeof o.status === "string" ? { status: o.status as ToolStatus } : {}),
        ...(typeof o.cursor === "string" ? { cursor: o.cursor } : {}),
      }),
    )
    if (args.global.json) {
      printJson(io, page)
      return 0
    }
    if (page.items.length === 0) {
      io.stdout.write("no tool invocations\n")
      return 0
    }
    io.stdout.write(
      table(
        ["ID", "TOOL", "STATUS", timeHeader(io, "STARTED"), "DURATION", "ARGUMENTS"],
        page.items.map((t) => [
          t.id,
          t.tool,
          status(io, t.status),
          clock(io, t.startedAt),
          t.durationMs === null ? "-" : `${t.durationMs} ms`,
          brief(t.arguments),
        ]),
      ),
    )
    if (page.nextCursor) cursorHint(io, args, page.nextCursor)
    return 0
  },
}

/** `agentstore tools show <id>`. */
export const toolsShow: CliCommand = {
  options: [],
  async run(args, io) {
    const t: ToolInvocation = await withStore(args, (store) =>
      store.tools.get(args.positionals[0] as string),
    )
    if (args.global.json) {
      printJson(io, t)
      return 0
    }
    io.stdout.write(
      fields([
        ["id", t.id],
        ["tool", t.tool],
        ["status", status(io, t.status)],
        ["session", t.sessionId ?? "-"],
        ["plan", t.planId ?? "-"],
        ["started", zoned(io, t.startedAt)],
        ["finished", zoned(io, t.finishedAt)],
        ["duration", t.durationMs === null ? "-" : `${t.durationMs} ms`],
        ["arguments", JSON.stringify(t.arguments, null, 2)],
        ["result", JSON.stringify(t.result, null, 2)],
        ["error", JSON.stringify(t.error, null, 2)],
      ]),
    )
    return 0
  },
}
