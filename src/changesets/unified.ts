import type { DiffFile, DiffHunk } from "./diff.js"

/**
 * Unified diff text with git-style headers (`diff --git`, `new file mode`, `deleted file mode`,
 * `old mode`/`new mode`, `rename from`/`rename to`). Binary files are named, never dumped.
 * @example
 * formatUnified([diffFile(change)])
 */
export function formatUnified(files: readonly DiffFile[]): string {
  return files.map(formatFile).join("")
}

function mode(bits: number | null): string {
  return `100${(bits ?? 0o644).toString(8).padStart(3, "0")}`
}

function formatFile(file: DiffFile): string {
  const oldName = file.oldPath ?? file.path
  const out = [`diff --git a/${oldName} b/${file.path}`]
  if (file.op === "create") out.push(`new file mode ${mode(file.newMode)}`)
  else if (file.op === "delete") out.push(`deleted file mode ${mode(file.oldMode)}`)
  else if (file.oldMode !== file.newMode) {
    out.push(`old mode ${mode(file.oldMode)}`, `new mode ${mode(file.newMode)}`)
  }
  if (file.op === "rename") out.push(`rename from ${oldName}`, `rename to ${file.path}`)
  const from = file.op === "create" ? "/dev/null" : `a/${oldName}`
  const to = file.op === "delete" ? "/dev/null" : `b/${file.path}`
  if (file.binary) out.push(`Binary files ${from} and ${to} differ`)
  else if (file.hunks.length > 0) {
    out.push(`--- ${from}`, `+++ ${to}`)
    for (const hunk of file.hunks) out.push(...formatHunk(hunk))
  }
  return `${out.join("\n")}\n`
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`
}

function formatHunk(hunk: DiffHunk): string[] {
  const out = [
    `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`,
  ]
  for (const line of hunk.lines) {
    const sign = line.kind === "add" ? "+" : line.kind === "remove" ? "-" : " "
    out.push(`${sign}${line.text}`)
    if (line.noNewlineAtEnd) out.push("\\ No newline at end of file")
  }
  return out
}
