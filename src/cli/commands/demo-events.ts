import type { EventInput } from "../../core/types.js"

const MINUTE = 60_000

/** Events of every well-known kind across the demo sessions, a minute or two apart from `start`. */
export function demoEvents(start: number): EventInput[] {
  let t = start
  const at = (minutes: number) => {
    t += minutes * MINUTE
    return t
  }
  const p = "demo-planner-1"
  const c = "demo-coder-1"
  return [
    {
      id: "demo-ev-01",
      kind: "activity_changed",
      agent: "planner",
      sessionId: p,
      data: { activity: "planning" },
      time: at(0),
    },
    {
      id: "demo-ev-02",
      kind: "prompt_sent",
      agent: "planner",
      sessionId: p,
      data: { model: "gpt-4.1", tokens: 9210 },
      time: at(1),
    },
    {
      id: "demo-ev-03",
      kind: "thinking",
      agent: "planner",
      sessionId: p,
      text: "Discount must come before tax; rounding should happen once.",
      time: at(1),
    },
    {
      id: "demo-ev-04",
      kind: "output",
      agent: "planner",
      sessionId: p,
      text: "Plan: reproduce, reorder, round once.",
      time: at(1),
    },
    {
      id: "demo-ev-05",
      kind: "result",
      agent: "planner",
      sessionId: p,
      data: { status: "handed_off", to: "coder" },
      time: at(2),
    },
    {
      id: "demo-ev-06",
      kind: "activity_changed",
      agent: "coder",
      sessionId: c,
      data: { activity: "coding" },
      time: at(1),
    },
    {
      id: "demo-ev-07",
      kind: "prompt_sent",
      agent: "coder",
      sessionId: c,
      data: { model: "gpt-4.1", tokens: 21000 },
      time: at(1),
    },
    {
      id: "demo-ev-08",
      kind: "tool_use",
      agent: "coder",
      sessionId: c,
      data: { tool: "read_file", path: "src/invoice.ts" },
      time: at(1),
    },
    {
      id: "demo-ev-09",
      kind: "tool_result",
      agent: "coder",
      sessionId: c,
      parentId: "demo-ev-08",
      data: { bytes: 2048 },
      time: at(0),
    },
    {
      id: "demo-ev-10",
      kind: "tool_use",
      agent: "coder",
      sessionId: c,
      data: { tool: "edit_file", path: "src/invoice.ts" },
      time: at(2),
    },
    {
      id: "demo-ev-11",
      kind: "tool_result",
      agent: "coder",
      sessionId: c,
      parentId: "demo-ev-10",
      data: { linesChanged: 6 },
      time: at(0),
    },
    {
      id: "demo-ev-12",
      kind: "tool_use",
      agent: "coder",
      sessionId: c,
      data: { tool: "run_tests" },
      time: at(1),
    },
    {
      id: "demo-ev-13",
      kind: "error",
      agent: "coder",
      sessionId: c,
      parentId: "demo-ev-12",
      text: "1 failed: rounding differs by 0.01",
      artifactRef: "demo-run-tests.log",
      time: at(1),
    },
    {
      id: "demo-ev-14",
      kind: "thinking",
      agent: "coder",
      sessionId: c,
      text: "Round once, at the end.",
      time: at(1),
    },
    {
      id: "demo-ev-15",
      kind: "output",
      agent: "coder",
      sessionId: c,
      text: "All 48 tests pass.",
      time: at(2),
    },
    {
      id: "demo-ev-16",
      kind: "result",
      agent: "coder",
      sessionId: c,
      data: { status: "done", testsPassed: 48 },
      time: at(0),
    },
    {
      id: "demo-ev-17",
      kind: "context_cleared",
      agent: "coder",
      data: { reason: "new task" },
      time: at(3),
    },
    {
      id: "demo-ev-18",
      kind: "activity_changed",
      agent: "coder",
      sessionId: "demo-coder-2",
      data: { activity: "investigating" },
      time: at(1),
    },
    {
      id: "demo-ev-19",
      kind: "output",
      agent: "coder",
      sessionId: "demo-coder-2",
      text: "The test reads the system clock.",
      time: at(2),
    },
  ]
}
