/** One step of a line edit script. */
export type LineEdit = { kind: "equal" | "add" | "remove"; line: string }

/** Largest number of V-array cells the Myers trace may hold before falling back. */
const MAX_TRACE_CELLS = 40_000_000

/**
 * Shortest edit script between two line arrays (Myers' O((N+M)D) algorithm) after trimming the
 * common prefix and suffix. When the trace would outgrow a size guard, the differing middle is
 * reported as a whole removal followed by a whole addition: still correct, only less minimal.
 */
export function diffLines(a: readonly string[], b: readonly string[]): LineEdit[] {
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--
    endB--
  }
  const head = a.slice(0, start).map((line): LineEdit => ({ kind: "equal", line }))
  const tail = a.slice(endA).map((line): LineEdit => ({ kind: "equal", line }))
  const middle =
    myers(a.slice(start, endA), b.slice(start, endB)) ?? replaceAll(a, b, start, endA, endB)
  return [...head, ...middle, ...tail]
}

function replaceAll(
  a: readonly string[],
  b: readonly string[],
  start: number,
  endA: number,
  endB: number,
): LineEdit[] {
  return [
    ...a.slice(start, endA).map((line): LineEdit => ({ kind: "remove", line })),
    ...b.slice(start, endB).map((line): LineEdit => ({ kind: "add", line })),
  ]
}

function myers(a: readonly string[], b: readonly string[]): LineEdit[] | undefined {
  const n = a.length
  const m = b.length
  const max = n + m
  if (max === 0) return []
  const width = 2 * max + 1
  const trace: Int32Array[] = []
  const v = new Int32Array(width)
  for (let d = 0; d <= max; d++) {
    if ((d + 1) * width > MAX_TRACE_CELLS) return undefined
    trace.push(v.slice())
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[max + k - 1] as number) < (v[max + k + 1] as number))
      let x = down ? (v[max + k + 1] as number) : (v[max + k - 1] as number) + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      v[max + k] = x
      if (x >= n && y >= m) return backtrack(trace, a, b, d, max)
    }
  }
  return undefined
}

function backtrack(
  trace: Int32Array[],
  a: readonly string[],
  b: readonly string[],
  dEnd: number,
  max: number,
): LineEdit[] {
  const edits: LineEdit[] = []
  let x = a.length
  let y = b.length
  for (let d = dEnd; d > 0; d--) {
    const v = trace[d] as Int32Array
    const k = x - y
    const down = k === -d || (k !== d && (v[max + k - 1] as number) < (v[max + k + 1] as number))
    const prevK = down ? k + 1 : k - 1
    const prevX = v[max + prevK] as number
    const prevY = prevX - prevK
    while (x > prevX && y > prevY) {
      y--
      edits.push({ kind: "equal", line: a[--x] as string })
    }
    if (down) edits.push({ kind: "add", line: b[--y] as string })
    else edits.push({ kind: "remove", line: a[--x] as string })
  }
  while (x > 0 && y > 0) {
    y--
    edits.push({ kind: "equal", line: a[--x] as string })
  }
  return edits.reverse()
}

/** Splits text into lines that keep their `\n`, so a missing final newline is a difference. */
export function splitLines(text: string): string[] {
  if (text === "") return []
  const lines = text.split("\n").map((line) => `${line}\n`)
  const last = lines.length - 1
  lines[last] = (lines[last] as string).slice(0, -1)
  if (lines[last] === "") lines.pop()
  return lines
}
