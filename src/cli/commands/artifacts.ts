import type { DrilldownSelector } from "../../artifacts/drilldown.js"
import { ValidationError } from "../../core/errors.js"
import { openInput } from "../files.js"
import { bytes, fields, printJson, table } from "../format.js"
import { cursorHint } from "../hints.js"
import type { CliCommand } from "../io.js"
import { intOption, listOption, pageLimit, pageOptions } from "../parse.js"
import { withStore } from "../store.js"
import { clock, timeHeader } from "../time.js"

const MEDIA_TYPES: Record<string, string> = {
  json: "application/json",
  ndjson: "application/x-ndjson",
  jsonl: "application/x-ndjson",
  csv: "text/csv",
  txt: "text/plain; charset=utf-8",
  log: "text/plain; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  html: "text/html; charset=utf-8",
}

function mediaTypeOf(file: string): string | undefined {
  return MEDIA_TYPES[file.split(".").pop()?.toLowerCase() ?? ""]
}

/** `agentstore artifacts put <file|->`. */
export const artifactsPut: CliCommand = {
  options: [
    { flags: "--handle <handle>", description: "the name to address it by (default: generated)" },
    {
      flags: "--media-type <type>",
      description: "e.g. application/json (default: from the file extension)",
    },
    { flags: "--label <label>", description: "a short human name" },
    { flags: "--session <id>", description: "the session it belongs to" },
    { flags: "--overwrite", description: "replace an artifact with the same handle" },
  ],
  async run(args, io) {
    const o = args.options
    const file = args.positionals[0] as string
    const data = file === "-" ? io.stdin : await openInput(io, file)
    if (!data) throw new ValidationError("file", "no standard input to read")
    const mediaType = typeof o.mediaType === "string" ? o.mediaType : mediaTypeOf(file)
    const ref = await withStore(args, (store) =>
      store.artifacts.put(data as never, {
        ...(typeof o.handle === "string" ? { handle: o.handle } : {}),
        ...(mediaType === undefined ? {} : { mediaType }),
        ...(typeof o.label === "string" ? { label: o.label } : {}),
        ...(typeof o.session === "string" ? { sessionId: o.session } : {}),
        ...(o.overwrite === true ? { overwrite: true } : {}),
      }),
    )
    if (args.global.json) printJson(io, ref)
    else
      io.stdout.write(
        `stored ${ref.handle} (${bytes(ref.size)}, sha256 ${ref.sha256.slice(0, 16)}…)\n`,
      )
    return 0
  },
}

/** `agentstore artifacts list`. */
export const artifactsList: CliCommand = {
  options: [
    { flags: "--session <id>", description: "only this session's" },
    { flags: "--media-type <type>", description: "only this media type" },
    { flags: "--label <label>", description: "only this label" },
    ...pageOptions("50"),
  ],
  async run(args, io) {
    const o = args.options
    const page = await withStore(args, (store) =>
      store.artifacts.list({
        limit: pageLimit(o.limit),
        ...(typeof o.session === "string" ? { sessionId: o.session } : {}),
        ...(typeof o.mediaType === "string" ? { mediaType: o.mediaType } : {}),
        ...(typeof o.label === "string" ? { label: o.label } : {}),
        ...(typeof o.cursor === "string" ? { cursor: o.cursor } : {}),
      }),
    )
    if (args.global.json) {
      printJson(io, page)
      return 0
    }
    if (page.items.length === 0) {
      io.stdout.write("no artifacts\n")
      return 0
    }
    io.stdout.write(
      table(
        ["HANDLE", "MEDIA TYPE", "SIZE", "LABEL", "SESSION", timeHeader(io, "CREATED")],
        page.items.map((a) => [
          a.handle,
          a.mediaType,
          bytes(a.size),
          a.label ?? "-",
          a.sessionId ?? "-",
          clock(io, a.createdAt),
        ]),
      ),
    )
    if (page.nextCursor) cursorHint(io, args, page.nextCursor)
    return 0
  },
}

function range(name: string, value: string): { start?: number; end?: number } {
  const match = /^(-?\d*):(-?\d*)$/.exec(value)
  if (!match) throw new ValidationError(`--${name}`, "must be START:END, e.g. 10:20, :5 or -10:")
  const out: { start?: number; end?: number } = {}
  if (match[1]) out.start = Number(match[1])
  if (match[2]) out.end = Number(match[2])
  return out
}

function selectorOf(o: Record<string, unknown>): DrilldownSelector {
  const chosen = ["lines", "head", "keys", "rows", "grep", "bytes"].filter(
    (k) => o[k] !== undefined,
  )
  if (chosen.length !== 1) {
    throw new ValidationError(
      "selector",
      "give exactly one of --lines, --head, --keys, --rows, --grep, --bytes",
    )
  }
  if (typeof o.lines === "string") return { kind: "lines", ...range("lines", o.lines) }
  if (o.head !== undefined) return { kind: "head", chars: intOption("head", o.head, 0) as number }
  if (o.keys !== undefined) return { kind: "json_keys", keys: listOption(o.keys) ?? [] }
  if (typeof o.rows === "string") {
    return {
      kind: "rows",
      ...range("rows", o.rows),
      ...(o.header === true ? { header: true } : {}),
    }
  }
  if (typeof o.grep === "string") {
    return {
      kind: "grep",
      pattern: o.grep,
      ...(o.context === undefined
        ? {}
        : { context: intOption("context", o.context, 0, 100) as number }),
      ...(o.ignoreCase === true ? { ignoreCase: true } : {}),
    }
  }
  const [offset, length] = String(o.bytes).split(":").map(Number)
  return { kind: "bytes", offset: offset ?? 0, length: length ?? 0 }
}

/** `agentstore artifacts drill <handle> --lines 10:20 | --head N | --keys a,b | --rows 0:10 | --grep RE`. */
export const artifactsDrill: CliCommand = {
  options: [
    {
      flags: "--lines <start:end>",
      description: "lines start..end (0-based, end exclusive; negative from the end)",
    },
    { flags: "--head <chars>", description: "the first N characters" },
    {
      flags: "--keys <key>",
      description: "a top-level key of a JSON object (repeat for more)",
      repeat: true,
    },
    { flags: "--rows <start:end>", description: "rows of NDJSON, CSV or a JSON array" },
    { flags: "--header", description: "with --rows on CSV: the first line names the columns" },
    {
      flags: "--grep <regex>",
      description: "lines matching a regular expression (line numbers from 0)",
    },
    { flags: "--context <n>", description: "lines of context around --grep matches" },
    { flags: "--ignore-case", description: "case-insensitive --grep" },
    { flags: "--bytes <offset:length>", description: "raw bytes (printed as base64)" },
  ],
  async run(args, io) {
    const handle = args.positionals[0] as string
    const selector = selectorOf(args.options)
    const result = await withStore(args, (store) => store.artifacts.drilldown(handle, selector))
    if (args.global.json) {
      printJson(
        io,
        result.kind === "bytes"
          ? { ...result, bytes: Buffer.from(result.bytes).toString("base64") }
          : result,
      )
      return 0
    }
    switch (result.kind) {
      case "head":
        io.stdout.write(`${result.text}\n`)
        break
      case "lines":
        io.stdout.write(result.lines.map((l) => `${l}\n`).join(""))
        break
      case "json_keys":
        io.stdout.write(`${JSON.stringify(result.values, null, 2)}\n`)
        break
      case "rows":
        io.stdout.write(result.rows.map((r) => `${JSON.stringify(r)}\n`).join(""))
        break
      case "grep":
        for (const m of result.matches) {
          const first = m.line - m.before.length
          const lines = [
            ...m.before.map((l, i) => `${first + i}- ${l}`),
            `${m.line}: ${m.text}`,
            ...m.after.map((l, i) => `${m.line + i + 1}- ${l}`),
          ]
          io.stdout.write(`${lines.join("\n")}\n`)
        }
        break
      case "bytes":
        io.stdout.write(`${Buffer.from(result.bytes).toString("base64")}\n`)
        break
    }
    if ("truncated" in result && result.truncated)
      io.stderr.write("(truncated: more content follows)\n")
    return 0
  },
}

/** `--grace`: a duration (`1h`, `500ms`); a bare number is milliseconds, the old spelling. */
function graceOption(value: unknown): number | undefined {
  if (value === undefined) return undefined
  if (typeof value === "string" && /^\d+$/.test(value)) {
    return intOption("grace", value, 0, Number.MAX_SAFE_INTEGER)
  }
  const match = typeof value === "string" ? /^(\d{1,12})(ms|s|m|h|d)$/.exec(value) : null
  if (!match)
    throw new ValidationError("--grace", "must be a duration like 500ms, 30s, 15m, 1h or 2d")
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as "ms"]
  return Number(match[1]) * unit
}

/** `agentstore artifacts gc [--grace MS]`. */
export const artifactsGc: CliCommand = {
  options: [
    {
      flags: "--grace <duration>",
      description: "keep blobs younger than this: 30s, 15m, 1h… (default: the library's)",
    },
  ],
  async run(args, io) {
    const grace = graceOption(args.options.grace)
    const report = await withStore(args, (store) =>
      store.artifacts.gc(grace === undefined ? {} : { graceMs: grace }),
    )
    if (args.global.json) printJson(io, report)
    else
      io.stdout.write(
        fields([
          ["blobs scanned", String(report.scanned)],
          ["blobs deleted", String(report.deleted)],
          ["bytes freed", bytes(report.bytesFreed)],
          ["leftovers removed", String(report.leftoversRemoved)],
        ]),
      )
    return 0
  },
}
