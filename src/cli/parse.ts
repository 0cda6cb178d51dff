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

/** A comma-separated list option (`--kind a,b`), or `undefined`. */
export function listOption(value: unknown): string[] | undefined {
  if (typeof value !== "string") return undefined
  const items = value
    .split(",")
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

/** The `--limit` and `--cursor` options of a paged list command. */
export function pageOptions(defaultLimit: string): CliOption[] {
  return [
    { flags: "--limit <n>", description: "most rows (1-1000)", default: defaultLimit },
    { flags: "--cursor <token>", description: "continue after a previous page" },
  ]
}

/** `--limit` of a list command: 1 to 1000 (the option has a default, so it is always set). */
export function pageLimit(value: unknown): number {
  return intOption("limit", value, 1, 1000) as number
}
