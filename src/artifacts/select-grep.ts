import { ValidationError } from "../core/errors.js"
import { type DrilldownSource, decodeUtf8, splitLines } from "./text-stream.js"

/** Longest grep pattern, in characters. */
const MAX_PATTERN_LENGTH = 256
/** Lines are matched (and returned) up to this many bytes; the rest of a longer line is ignored. */
const GREP_LINE_CAP = 64 << 10

/** One matching line with its context. Line numbers count from 0, like the `lines` selector. */
export interface GrepMatch {
  line: number
  text: string
  before: string[]
  after: string[]
}

/**
 * Compiles a grep pattern (Unicode mode) after refusing shapes that can backtrack for ever:
 * back-references and a quantified group that itself holds a quantifier or an alternation
 * (`(a+)+`, `(a|aa)*`). Patterns are capped at 256 characters and lines at 64 KiB, so a match
 * attempt is bounded.
 */
export function compilePattern(pattern: unknown, ignoreCase: boolean): RegExp {
  if (typeof pattern !== "string" || pattern.length === 0) {
    throw new ValidationError("selector.pattern", "must be a non-empty string")
  }
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new ValidationError(
      "selector.pattern",
      `must be at most ${MAX_PATTERN_LENGTH} characters`,
    )
  }
  if (/\\[1-9]|\\k</.test(pattern)) {
    throw new ValidationError("selector.pattern", "back-references are not allowed")
  }
  if (hasNestedQuantifier(pattern)) {
    throw new ValidationError(
      "selector.pattern",
      "a quantified group may not contain another quantifier or an alternation (runaway pattern)",
    )
  }
  try {
    return new RegExp(pattern, ignoreCase ? "iu" : "u")
  } catch (error) {
    throw new ValidationError(
      "selector.pattern",
      `is not a valid pattern: ${(error as Error).message}`,
    )
  }
}

function hasNestedQuantifier(pattern: string): boolean {
  const groups: boolean[] = []
  let risky = false
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === "\\") {
      i++
      continue
    }
    if (c === "[") {
      for (i++; i < pattern.length && pattern[i] !== "]"; i++) if (pattern[i] === "\\") i++
      continue
    }
    if (c === "(") {
      groups.push(false)
    } else if (c === ")") {
      const inner = groups.pop() ?? false
      if (inner && /^[*+{]/.test(pattern.slice(i + 1, i + 2))) risky = true
      if (inner && groups.length > 0) groups[groups.length - 1] = true
    } else if ((c === "*" || c === "+" || c === "{" || c === "|") && groups.length > 0) {
      groups[groups.length - 1] = true
    }
  }
  return risky
}

/**
 * Lines matching `regex`, with `context` lines around each. The scan stops once `max` matches
 * have their context; `truncated` then says it stopped before the end of the artifact.
 */
export async function grepLines(
  source: DrilldownSource,
  regex: RegExp,
  context: number,
  max: number,
): Promise<{ matches: GrepMatch[]; truncated: boolean }> {
  const matches: GrepMatch[] = []
  let pending: GrepMatch[] = []
  const recent: string[] = []
  let index = 0
  for await (const batch of splitLines(source.stream(), GREP_LINE_CAP)) {
    for (const raw of batch) {
      if (matches.length === max && pending.length === 0) return { matches, truncated: true }
      const text = decodeUtf8(raw.bytes)
      if (pending.length > 0) {
        for (const match of pending) match.after.push(text)
        pending = pending.filter((match) => match.after.length < context)
      }
      if (matches.length < max && regex.test(text)) {
        const match = { line: index, text, before: recent.slice(), after: [] }
        matches.push(match)
        if (context > 0) pending.push(match)
      }
      if (context > 0) {
        recent.push(text)
        if (recent.length > context) recent.shift()
      }
      index++
    }
  }
  return { matches, truncated: false }
}
