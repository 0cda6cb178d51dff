import { ValidationError } from "../core/errors.js"
import type { CliOption } from "./io.js"

/** An integer option, or `undefined` when absent. */
export function intOption(
  name: string,
  value: unknown,
  min = 1,
  max = 1_000_000_000,
): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (typeof value !== "string" || !/^-?\d+$/.test(value) || n < min || n > max) {
    throw new ValidationError(`--${name}`, `must be a whole number from ${min} to ${max}`)
  }
  return n
}

/**
 * A repeatable list option (`--kind a --kind b`), or `undefined`. A comma inside one value
 * still separates items: the old spelling (`--kind a,b`), kept for one release.
 */
export function listOption(value: unknown): string[] | undefined {
  const values = typeof value === "string" ? [value] : Array.isArray(value) ? value : []
  const items = values
    .flatMap((v) => String(v).split(","))
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  return items.length === 0 ? undefined : items
}

/** A JSON option, parsed. */
export function jsonOption(name: string, value: string): unknown {
  try {
    return JSON.parse(value)
  } catch {
    throw new ValidationError(`--${name}`, "must be valid JSON")
  }
}

/** The `--limit` option of a list command (read it with `pageLimit`). */
export function limitOption(defaultLimit: string): CliOption {
  return { flags: "--limit <n>", description: "most rows (1-1000)", default: defaultLimit }
}

/** The `--limit` and `--cursor` options of a paged list command. */
export function pageOptions(defaultLimit: string): CliOption[] {
  return [
    limitOption(defaultLimit),
    { flags: "--cursor <token>", description: "continue after a previous page" },
  ]
}

/** `--limit` of a list command: 1 to 1000 (the option has a default, so it is always set). */
export function pageLimit(value: unknown): number {
  return intOption("limit", value, 1, 1000) as number
}

/**
 * Runs `fn`, renaming the library's field in a `ValidationError` to the flag the person typed
 * (`since` → `--since`), so the message names what they can change.
 */
export async function asFlags<T>(flags: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    const field = error instanceof ValidationError ? error.details.field : undefined
    const flag = typeof field === "string" ? flags[field] : undefined
    if (flag === undefined || !(error instanceof ValidationError)) throw error
    const message = error.message.slice(`${field}: `.length)
    throw new ValidationError(flag, message, { ...error.details, field: flag, option: field })
  }
}
