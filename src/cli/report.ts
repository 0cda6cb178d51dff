import { AgentStoreError, ERROR_STATUS, type ErrorCode } from "../core/errors.js"
import { isBrokenPipe } from "./files.js"
import { paint } from "./format.js"
import { type CliIo, EXIT } from "./io.js"

/** How an error is printed: `--json` makes it a JSON document, `--verbose` adds the stack. */
export interface ReportStyle {
  json: boolean
  verbose: boolean
}

/**
 * Prints an error on stderr and returns its exit code: `error CODE: message` (details and
 * stack with `--verbose`), or with `--json` one line `{ "error": { code, message, details } }`.
 * A write into a pipe whose reader has gone ends quietly with 0, as other Unix tools do.
 */
export function reportError(io: CliIo, error: unknown, style: ReportStyle): number {
  if (isBrokenPipe(error)) return EXIT.ok
  const known = error instanceof AgentStoreError
  const code: ErrorCode = known ? error.code : "INTERNAL"
  const message = known ? error.message : ((error as Error)?.message ?? String(error))
  const details = known ? error.details : {}
  if (style.json) {
    const body: Record<string, unknown> = { code, message, details }
    if (style.verbose) body.stack = (error as Error)?.stack ?? ""
    io.stderr.write(`${JSON.stringify({ error: body })}\n`)
  } else {
    io.stderr.write(`${paint(io, io.stderr, "red", `error ${code}`)}: ${message}\n`)
    if (style.verbose) {
      if (Object.keys(details).length > 0) io.stderr.write(`details: ${JSON.stringify(details)}\n`)
      io.stderr.write(`${(error as Error)?.stack ?? ""}\n`)
    }
  }
  return known ? ERROR_STATUS[code].exit : EXIT.error
}

/** A usage error found by the parser (unknown command or option, missing argument). */
export function reportUsage(io: CliIo, message: string, style: ReportStyle): number {
  const text = message.replace(/^error: /, "").trim()
  if (style.json) {
    io.stderr.write(
      `${JSON.stringify({ error: { code: "VALIDATION", message: text, details: { usage: true } } })}\n`,
    )
  } else io.stderr.write(`${message.endsWith("\n") ? message : `${message}\n`}`)
  return EXIT.usage
}
