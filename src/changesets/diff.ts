import { diffLines, type LineEdit, splitLines } from "./myers.js"
import type { ChangeContent, ChangeOp } from "./types.js"

/** One line of a structured diff, with its line numbers on each side (1-based). */
export interface DiffLine {
  kind: "context" | "add" | "remove"
  /** The line without its newline. */
  text: string
  oldLine: number | null
  newLine: number | null
  /** The line is the last of its file and has no final newline. */
  noNewlineAtEnd: boolean
}

/** A run of changed lines with up to three lines of context around it. */
export interface DiffHunk {
  oldStart: number
  oldLines: number
  newStart: number
  newLines: number
  lines: DiffLine[]
}

/** The diff of one path, for UIs. Binary files have no hunks. */
export interface DiffFile {
  path: string
  oldPath: string | null
  op: ChangeOp
  binary: boolean
  oldMode: number | null
  newMode: number | null
  added: number
  removed: number
  hunks: DiffHunk[]
}

const CONTEXT = 3
const utf8 = new TextDecoder("utf-8", { fatal: true })

/** True when content is not text: a NUL byte in its first 8000 bytes, or not valid UTF-8. */
export function isBinary(bytes: Uint8Array | null): boolean {
  if (bytes === null) return false
  if (bytes.subarray(0, 8000).includes(0)) return true
  try {
    utf8.decode(bytes)
    return false
  } catch {
    return true
  }
}

/** The structured diff of one change. */
export function diffFile(change: ChangeContent): DiffFile {
  const file: DiffFile = {
    path: change.path,
    oldPath: change.oldPath,
    op: change.op,
    binary: isBinary(change.before) || isBinary(change.after),
    oldMode: change.op === "create" ? null : (change.oldMode ?? change.mode ?? 0o644),
    newMode: change.op === "delete" ? null : (change.mode ?? 0o644),
    added: 0,
    removed: 0,
    hunks: [],
  }
  if (file.binary) return file
  const edits = diffLines(lines(change.before), lines(change.after))
  for (const edit of edits) {
    if (edit.kind === "add") file.added++
    if (edit.kind === "remove") file.removed++
  }
  file.hunks = toHunks(edits)
  return file
}

function lines(bytes: Uint8Array | null): string[] {
  return bytes === null ? [] : splitLines(utf8.decode(bytes))
}

function toHunks(edits: LineEdit[]): DiffHunk[] {
  const numbered = number(edits)
  const hunks: DiffHunk[] = []
  let i = 0
  while (i < numbered.length) {
    if ((numbered[i] as DiffLine).kind === "context") {
      i++
      continue
    }
    let end = i
    let next = i
    while (next < numbered.length) {
      if ((numbered[next] as DiffLine).kind !== "context") {
        end = next
        next++
        continue
      }
      let run = next
      while (run < numbered.length && (numbered[run] as DiffLine).kind === "context") run++
      if (run === numbered.length || run - next > 2 * CONTEXT) break
      next = run
    }
    hunks.push(makeHunk(numbered.slice(Math.max(0, i - CONTEXT), end + 1 + CONTEXT)))
    i = end + 1
  }
  return hunks
}

function number(edits: LineEdit[]): DiffLine[] {
  let oldLine = 0
  let newLine = 0
  return edits.map((edit) => {
    const kind = edit.kind === "equal" ? "context" : edit.kind
    const noNewlineAtEnd = !edit.line.endsWith("\n")
    const text = noNewlineAtEnd ? edit.line : edit.line.slice(0, -1)
    return {
      kind,
      text,
      oldLine: kind === "add" ? null : ++oldLine,
      newLine: kind === "remove" ? null : ++newLine,
      noNewlineAtEnd,
    }
  })
}

function makeHunk(lines: DiffLine[]): DiffHunk {
  const olds = lines.filter((l) => l.oldLine !== null)
  const news = lines.filter((l) => l.newLine !== null)
  return {
    oldStart: olds[0]?.oldLine ?? 0,
    oldLines: olds.length,
    newStart: news[0]?.newLine ?? 0,
    newLines: news.length,
    lines,
  }
}
