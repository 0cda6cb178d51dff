import { resolve } from "node:path"
import type { Plan } from "../../changesets/plan-types.js"
import { ValidationError } from "../../core/errors.js"
import { confirm, YES_OPTION } from "../confirm.js"
import { ago, bytes, colours, fields, num, paint, printJson, table } from "../format.js"
import { cursorHint } from "../hints.js"
import type { CliCommand, CliIo } from "../io.js"
import { pageLimit, pageOptions } from "../parse.js"
import { withStore } from "../store.js"

function status(io: CliIo, plan: Plan): string {
  const s = plan.status
  const colour =
    s === "applied"
      ? "green"
      : s === "failed"
        ? "red"
        : s === "ready"
          ? "cyan"
          : s === "executing"
            ? "yellow"
            : "dim"
  const text = paint(io, io.stdout, colour, s)
  return plan.halfApplied ? `${text} ${paint(io, io.stdout, "red", "(half-applied)")}` : text
}

/** `agentstore plan list`. */
export const planList: CliCommand = {
  options: [
    { flags: "--session <id>", description: "only this session's plans" },
    { flags: "--status <status>", description: "executing, ready, applied, cancelled or failed" },
    { flags: "--half-applied", description: "only plans whose apply started and did not finish" },
    ...pageOptions("50"),
  ],
  async run(args, io) {
    const o = args.options
    const page = await withStore(args, (store) =>
      store.plans.list({
        limit: pageLimit(o.limit),
        ...(typeof o.session === "string" ? { sessionId: o.session } : {}),
        ...(typeof o.status === "string" ? { status: o.status as Plan["status"] } : {}),
        ...(o.halfApplied === true ? { halfApplied: true } : {}),
        ...(typeof o.cursor === "string" ? { cursor: o.cursor } : {}),
      }),
    )
    if (args.global.json) {
      printJson(io, page)
      return 0
    }
    if (page.items.length === 0) {
      io.stdout.write("no plans\n")
      return 0
    }
    io.stdout.write(
      table(
        ["ID", "STATUS", "TITLE", "SESSION", "UPDATED"],
        page.items.map((p) => [p.id, status(io, p), p.title, p.sessionId ?? "-", ago(p.updatedAt)]),
      ),
    )
    if (page.nextCursor) cursorHint(io, args, page.nextCursor)
    return 0
  },
}

/** `agentstore plan status <id>`: the plan, its summary and its recorded entries. */
export const planStatus: CliCommand = {
  options: [],
  async run(args, io) {
    const id = args.positionals[0] as string
    const { plan, summary, entries } = await withStore(args, async (store) => ({
      plan: await store.plans.get(id),
      summary: await store.plans.summarize(id),
      entries: await store.plans.entries({ planId: id }),
    }))
    if (args.global.json) {
      printJson(io, { plan, summary, entries })
      return 0
    }
    const ops = Object.entries(summary.byOp)
      .filter(([, n]) => n > 0)
      .map(([op, n]) => `${n} ${op}`)
      .join(", ")
    io.stdout.write(
      fields([
        ["plan", plan.id],
        ["title", plan.title],
        ["status", status(io, plan)],
        ["session", plan.sessionId ?? "-"],
        ["workspace", plan.workspace ?? "-"],
        ["updated", ago(plan.updatedAt)],
        ["files", `${num(summary.files)}${ops ? ` (${ops})` : ""}`],
        [
          "lines",
          `${paint(io, io.stdout, "green", `+${num(summary.linesAdded)}`)} ${paint(io, io.stdout, "red", `-${num(summary.linesRemoved)}`)}`,
        ],
        ["bytes", `${bytes(summary.bytesBefore)} → ${bytes(summary.bytesAfter)}`],
      ]),
    )
    if (plan.halfApplied) {
      io.stdout.write(
        `\nan apply of this plan started and did not finish; run \`agentstore plan apply ${plan.id} --workspace <dir>\` again to finish it\n`,
      )
    }
    if (entries.length > 0) {
      io.stdout.write(
        `\n${table(
          ["SEQ", "OP", "PATH"],
          entries.map((c) => [
            String(c.seq),
            c.op,
            c.oldPath ? `${c.oldPath} → ${c.path}` : c.path,
          ]),
        )}`,
      )
    }
    return 0
  },
}

function colourDiff(io: CliIo, text: string): string {
  if (!colours(io, io.stdout)) return text
  return text
    .split("\n")
    .map((line) =>
      line.startsWith("+++") || line.startsWith("---") || line.startsWith("diff ")
        ? paint(io, io.stdout, "bold", line)
        : line.startsWith("+")
          ? paint(io, io.stdout, "green", line)
          : line.startsWith("-")
            ? paint(io, io.stdout, "red", line)
            : line.startsWith("@@")
              ? paint(io, io.stdout, "cyan", line)
              : line,
    )
    .join("\n")
}

/** `agentstore plan diff <id> [--stat] [--path P…]`. */
export const planDiff: CliCommand = {
  options: [
    { flags: "--stat", description: "files with lines added and removed instead of the diff" },
    { flags: "--path <path...>", description: "only this path (repeat for more)" },
  ],
  async run(args, io) {
    const id = args.positionals[0] as string
    const paths = Array.isArray(args.options.path) ? { paths: args.options.path as string[] } : {}
    if (args.options.stat === true || args.global.json) {
      const files = await withStore(args, (store) =>
        store.plans.diff(id, { format: "structured", ...paths }),
      )
      if (args.global.json) {
        printJson(
          io,
          args.options.stat === true
            ? files.map(({ op, path, oldPath, binary, added, removed }) => ({
                op,
                path,
                oldPath,
                binary,
                added,
                removed,
              }))
            : files,
        )
        return 0
      }
      io.stdout.write(
        table(
          ["OP", "PATH", "ADDED", "REMOVED"],
          files.map((f) => [
            f.op,
            f.oldPath ? `${f.oldPath} → ${f.path}` : f.path,
            f.binary ? "binary" : `+${f.added}`,
            f.binary ? "" : `-${f.removed}`,
          ]),
        ),
      )
      return 0
    }
    const text = await withStore(args, (store) => store.plans.diff(id, paths))
    io.stdout.write(colourDiff(io, text))
    return 0
  },
}

/** `agentstore plan apply <id> --workspace DIR [--dry-run] [--force]`. */
export const planApply: CliCommand = {
  options: [
    { flags: "--workspace <dir>", description: "the directory to change" },
    { flags: "--dry-run", description: "show what would change and any conflicts; write nothing" },
    { flags: "--force", description: "overwrite files that no longer match the recorded base" },
  ],
  async run(args, io) {
    const o = args.options
    if (typeof o.workspace !== "string") throw new ValidationError("--workspace", "is required")
    const dir = resolve(io.cwd ?? process.cwd(), o.workspace)
    const report = await withStore(args, (store) =>
      store.plans.apply(args.positionals[0] as string, dir, {
        dryRun: o.dryRun === true,
        force: o.force === true,
      }),
    )
    if (args.global.json) printJson(io, report)
    else {
      io.stdout.write(
        table(
          ["OP", "PATH", "CONFLICT"],
          report.entries.map((e) => [
            e.op,
            e.oldPath ? `${e.oldPath} → ${e.path}` : e.path,
            e.conflict ? "yes" : "",
          ]),
        ),
      )
      io.stdout.write(
        report.dryRun
          ? `dry run: ${report.entries.length} changes, ${report.conflicts.length} conflicts; nothing written\n`
          : report.applied
            ? `applied ${report.entries.length} changes to ${dir}; plan ${report.plan.status}\n`
            : `not applied: ${report.conflicts.length} conflicts (use --force to overwrite)\n`,
      )
    }
    return report.dryRun || report.applied ? 0 : 4
  },
}

/** `agentstore plan cancel <id>`. */
export const planCancel: CliCommand = {
  options: [YES_OPTION],
  async run(args, io) {
    const id = args.positionals[0] as string
    const result = await withStore(args, async (store) => {
      await store.plans.get(id)
      await confirm(io, args, `cancelling plan ${id} (its recorded changes are removed)`)
      return store.plans.cancel(id)
    })
    if (args.global.json) printJson(io, result)
    else
      io.stdout.write(
        `cancelled plan ${result.plan.id}: removed ${result.removed.changes} changes, ${result.removed.blobs.length} blobs (${bytes(result.removed.bytesFreed)})\n`,
      )
    return 0
  },
}
