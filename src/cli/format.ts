import type { CliIo, CliOutput } from "./io.js"

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2, bold: 1 }
/** A colour name. */
export type Colour = keyof typeof CODES

/**
 * Whether to colour `out`: `--color always|never` decide; else `NO_COLOR` turns it off,
 * `FORCE_COLOR` (not `0`) on, and otherwise only a terminal is coloured.
 */
export function colours(io: CliIo, out: CliOutput): boolean {
  if (io.color === "always") return true
  if (io.color === "never") return false
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== "0") return true
  return out.isTTY === true
}

/** Colours text when `colours(io, out)` says so. */
export function paint(io: CliIo, out: CliOutput, colour: Colour, text: string): string {
  if (!colours(io, out)) return text
  return `\u001b[${CODES[colour]}m${text}\u001b[0m`
}

const ANSI = /\u001b\[[0-9;]*m/g

function width(text: string): number {
  return [...text.replace(ANSI, "")].length
}

/** Pads `text` with spaces to `columns` visible characters (colour codes take no room). */
export function padVisible(text: string, columns: number): string {
  return text + " ".repeat(Math.max(0, columns - width(text)))
}

/** Aligned columns with a header row; cells are cut to `max` characters. */
export function table(headers: string[], rows: string[][], max = 60): string {
  const cut = rows.map((row) => row.map((cell) => truncate(oneLine(cell), max)))
  const widths = headers.map((h, i) => Math.max(width(h), ...cut.map((r) => width(r[i] ?? ""))))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : padVisible(c, widths[i] ?? 0)))
      .join("  ")
      .trimEnd()
  return `${[line(headers), ...cut.map(line)].join("\n")}\n`
}

/** `key: value` lines with the keys aligned. */
export function fields(pairs: [string, string][]): string {
  const w = Math.max(...pairs.map(([k]) => k.length))
  return `${pairs.map(([k, v]) => `${`${k}:`.padEnd(w + 1)}  ${v}`).join("\n")}\n`
}

/** Flattens newlines and tabs for a table cell. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ")
}

/** Cuts text to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`
}

/** `5m ago`, `3d ago`, `just now`. */
export function ago(iso: string | null, now = Date.now()): string {
  if (iso === null) return "-"
  const s = Math.round((now - Date.parse(iso)) / 1000)
  if (s < 5) return "just now"
  if (s < 60) return `${s}s ago`
  if (s < 3600) return `${Math.floor(s / 60)}m ago`
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`
  return `${Math.floor(s / 86_400)}d ago`
}

/** `1,234,567`. */
export function num(n: number): string {
  return n.toLocaleString("en-US")
}

/** `12.3 MB`. */
export function bytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"]
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`
}

/** Compact one-line JSON for a table cell. */
export function brief(value: unknown): string {
  if (value === null || value === undefined) return "-"
  if (typeof value === "string") return value
  return JSON.stringify(value)
}

/** Writes `value` as the command's JSON document (two-space indented, newline-terminated). */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

/** A progress bar on stderr, drawn only when stderr is a terminal. */
export function progress(io: CliIo, label: string) {
  const on = io.stderr.isTTY === true
  let last = 0
  return {
    update(done: number, total: number): void {
      const now = Date.now()
      if (!on || now - last < 100) return
      last = now
      const ratio = total > 0 ? Math.min(1, done / total) : 0
      const filled = Math.round(ratio * 30)
      io.stderr.write(
        `\r${label} [${"#".repeat(filled)}${" ".repeat(30 - filled)}] ${Math.round(ratio * 100)}% ${num(done)}/${num(total)}`,
      )
    },
    done(): void {
      if (on && last > 0) io.stderr.write("\r\u001b[K")
      last = 0
    },
  }
}
