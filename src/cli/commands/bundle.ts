import { once } from "node:events"
import { rename, rm } from "node:fs/promises"
import { resolve } from "node:path"
import type { Writable } from "node:stream"
import type { BundleCounts } from "../../bundles/format.js"
import { ValidationError } from "../../core/errors.js"
import { openInput, openOutput } from "../files.js"
import { bytes, num, printJson, progress } from "../format.js"
import type { CliCommand } from "../io.js"
import { withStore } from "../store.js"

function counted(c: BundleCounts): string {
  const n = (count: number, one: string, many: string) =>
    `${num(count)} ${count === 1 ? one : many}`
  const more = (count: number, one: string, many: string) =>
    count > 0 ? [n(count, one, many)] : []
  return [
    n(c.session, "session", "sessions"),
    n(c.message, "message", "messages"),
    n(c.event, "event", "events"),
    n(c.tool, "tool invocation", "tool invocations"),
    ...more(c.plan, "plan", "plans"),
    ...more(c.change, "change", "changes"),
    ...more(c.artifact, "artifact", "artifacts"),
    ...more(c.blob, "blob chunk", "blob chunks"),
  ].join(", ")
}

/** `agentstore export`. */
export const exportCommand: CliCommand = {
  options: [
    {
      flags: "-o, --output <file>",
      description: "the bundle file ('-' for stdout); .gz compresses",
    },
    { flags: "--session <id...>", description: "only this session (repeat for more)" },
    { flags: "--agent <name>", description: "only this agent's sessions and events" },
    { flags: "--gzip", description: "compress with gzip (default for a .gz file name)" },
  ],
  async run(args, io) {
    const o = args.options
    if (typeof o.output !== "string")
      throw new ValidationError("--output", "is required ('-' for stdout)")
    const toStdout = o.output === "-"
    const path = toStdout ? "" : resolve(io.cwd ?? process.cwd(), o.output)
    const gzip = o.gzip === true || path.endsWith(".gz")
    const partial = `${path}.partial`
    const bar = progress(io, "export")
    const out: Writable = toStdout ? (process.stdout as Writable) : await openOutput(partial, path)
    const { exportBundle } = await import("../../bundles/export.js")
    const result = await withStore(args, async (store) => {
      try {
        const r = await exportBundle(store, out, {
          gzip,
          onProgress: (done, total) => bar.update(done, total),
          ...(Array.isArray(o.session) ? { sessions: o.session as string[] } : {}),
          ...(typeof o.agent === "string" ? { agent: o.agent } : {}),
        })
        if (!toStdout) await rename(partial, path)
        return r
      } catch (error) {
        if (!toStdout) {
          const closed = out.closed ? undefined : once(out, "close").catch(() => undefined)
          out.destroy()
          await closed
          await rm(partial, { force: true })
        }
        throw error
      } finally {
        bar.done()
      }
    })
    const report = { file: toStdout ? "-" : path, gzip, ...result }
    if (args.global.json) printJson(io, report)
    else if (!toStdout) {
      const c = result.counts
      io.stdout.write(
        `exported ${counted(c)}\n` +
          `to ${path} (${bytes(result.bytes)} before compression, sha256 ${result.sha256.slice(0, 16)}…)\n`,
      )
    }
    return 0
  },
}

/** `agentstore import <file>`. */
export const importCommand: CliCommand = {
  options: [
    { flags: "--keep-ids", description: "keep the bundle's ids; an id that exists is a conflict" },
    {
      flags: "--into <namespace>",
      description: "the namespace to import into (default: --namespace)",
    },
  ],
  async run(args, io) {
    const file = args.positionals[0] as string
    const source = file === "-" ? io.stdin : await openInput(io, file)
    if (!source) throw new ValidationError("file", "no standard input to read")
    const { importBundle } = await import("../../bundles/import.js")
    const bar = progress(io, "import")
    const check = progress(io, "verify")
    const result = await withStore(args, (store) =>
      importBundle(store, source, {
        keepIds: args.options.keepIds === true,
        onVerify: (done, expected) => check.update(done, expected),
        onProgress: (done, total) => {
          check.done()
          bar.update(done, total)
        },
        ...(typeof args.options.into === "string" ? { namespace: args.options.into } : {}),
      }),
    ).finally(() => {
      check.done()
      bar.done()
    })
    if (args.global.json) printJson(io, result)
    else {
      const c = result.counts
      io.stdout.write(`imported ${counted(c)} into namespace ${result.namespace}\n`)
    }
    return 0
  },
}
