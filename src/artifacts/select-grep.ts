import { ValidationError } from "../core/errors.js"
import { GREP_LIMITS, type GrepLimits, type GrepPattern, LineMatcher } from "./grep-worker.js"
import { type DrilldownSource, decodeUtf8, type RawLine, splitLines } from "./text-stream.js"

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
 * Checks a grep pattern (a JavaScript regular expression, Unicode mode) and returns its source
 * and flags. Refused early, as `ValidationError`: patterns over 256 characters, back-references,
 * and a quantified group that itself holds a quantifier or an alternation (`(a+)+`, `(a|aa)*`).
 * Other patterns that backtrack (`a*a*b`, lookarounds) are stopped by the time limits of
 * `grepLines`.
 */
export function compilePattern(pattern: unknown, ignoreCase: boolean): GrepPattern {
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
  const flags = ignoreCase ? "iu" : "u"
  try {
    new RegExp(pattern, flags)
    return { source: pattern, flags }
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
 * Lines matching `pattern`, with `context` lines around each. The scan stops once `max` matches
 * have their context; `truncated` then says it stopped before the end of the artifact. Matching
 * runs on a worker thread (one piece of content ahead of the reader) under `limits`: past them
 * the grep fails with `UnavailableError` (`details.reason = "grep_timeout"`).
 */
export async function grepLines(
  source: DrilldownSource,
  pattern: GrepPattern,
  context: number,
  max: number,
  limits: GrepLimits = GREP_LIMITS,
): Promise<{ matches: GrepMatch[]; truncated: boolean }> {
  const matcher = new LineMatcher(pattern, limits)
  const collector = new GrepCollector(context, max)
  try {
    let previous: { lines: RawLine[]; hits: Promise<number[]> } | undefined
    for await (const lines of splitLines(source.stream(), GREP_LINE_CAP)) {
      const hits = matcher.match(lines)
      if (previous && collector.add(previous.lines, await previous.hits)) {
        return { matches: collector.matches, truncated: true }
      }
      previous = { lines, hits }
    }
    const stopped = previous !== undefined && collector.add(previous.lines, await previous.hits)
    return { matches: collector.matches, truncated: stopped }
  } finally {
    matcher.close()
  }
}

/** Turns matching line numbers into matches with context, line by line. */
class GrepCollector {
  readonly matches: GrepMatch[] = []
  readonly #context: number
  readonly #max: number
  #pending: GrepMatch[] = []
  #recent: Uint8Array[] = []
  #index = 0

  constructor(context: number, max: number) {
    this.#context = context
    this.#max = max
  }

  /** Takes the next lines and which of them matched; true when the scan can stop. */
  add(lines: readonly RawLine[], hits: readonly number[]): boolean {
    let next = 0
    for (const [i, line] of lines.entries()) {
      if (this.matches.length === this.#max && this.#pending.length === 0) return true
      const hit = hits[next] === i
      if (hit) next++
      if (this.#pending.length > 0) {
        const text = decodeUtf8(line.bytes)
        for (const match of this.#pending) match.after.push(text)
        this.#pending = this.#pending.filter((match) => match.after.length < this.#context)
      }
      if (hit && this.matches.length < this.#max) this.#record(line.bytes)
      if (this.#context > 0) {
        this.#recent.push(line.bytes)
        if (this.#recent.length > this.#context) this.#recent.shift()
      }
      this.#index++
    }
    return false
  }

  #record(bytes: Uint8Array): void {
    const before = this.#recent.map(decodeUtf8)
    const match = { line: this.#index, text: decodeUtf8(bytes), before, after: [] }
    this.matches.push(match)
    if (this.#context > 0) this.#pending.push(match)
  }
}
