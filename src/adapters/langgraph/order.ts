/**
 * LangGraph's order for one superstep's writes: `(task_path, task_id, idx)`, strings by code
 * point (Python's `str` order), `idx` numerically. Kept here rather than imported so the adapter
 * also runs on `@langchain/langgraph-checkpoint` releases before 1.2 (which lack
 * `compareWritesSortKeys`; their callers pass no task path, so the order is by task id and idx).
 */
export function compareWrites(
  a: { taskPath: string; taskId: string; idx: number },
  b: { taskPath: string; taskId: string; idx: number },
): number {
  return (
    compareCodePoints(a.taskPath, b.taskPath) ||
    compareCodePoints(a.taskId, b.taskId) ||
    a.idx - b.idx
  )
}

function compareCodePoints(a: string, b: string): number {
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i) as number
    const y = b.codePointAt(j) as number
    if (x !== y) return x < y ? -1 : 1
    i += x > 0xffff ? 2 : 1
    j += y > 0xffff ? 2 : 1
  }
  return (a.length - i > 0 ? 1 : 0) - (b.length - j > 0 ? 1 : 0)
}
