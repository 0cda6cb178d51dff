import type { Store } from "../../core/store.js"
import type { EventInput, MessageInput } from "../../core/types.js"

const MINUTE = 60_000

interface DemoSession {
  id: string
  agent: string
  title: string
  metadata: Record<string, string | boolean>
  messages: MessageInput[]
  usage: { input: number; output: number; total: number; extra: Record<string, number> }
}

const SESSIONS: DemoSession[] = [
  {
    id: "demo-planner-1",
    agent: "planner",
    title: "Plan the invoice totals refactor",
    metadata: { repo: "acme/billing", branch: "main", pinned: true },
    usage: { input: 18_420, output: 2_315, total: 20_735, extra: { cacheRead: 12_000 } },
    messages: [
      {
        role: "system",
        content: "You are a planning agent. Break work into small, verifiable steps.",
      },
      {
        role: "user",
        content: "Invoice totals are wrong when a discount and tax apply together. Plan a fix.",
      },
      {
        role: "assistant",
        content: [
          {
            type: "text",
            text: "Plan: 1) reproduce with a failing test 2) apply discount before tax 3) round once at the end.",
          },
        ],
        usage: { input: 9_210, output: 1_102 },
      },
      { role: "user", content: "Good. Hand it to the coder." },
      {
        role: "assistant",
        content: "Handed off to coder session #1 with the three steps.",
        usage: { input: 9_210, output: 1_213 },
      },
    ],
  },
  {
    id: "demo-coder-1",
    agent: "coder",
    title: "Implement invoice totals fix",
    metadata: { repo: "acme/billing", ticket: "BILL-142" },
    usage: { input: 54_880, output: 7_940, total: 62_820, extra: { reasoning: 3_100 } },
    messages: [
      {
        role: "system",
        content: "You are a coding agent with read_file, edit_file, grep and run_tests.",
      },
      {
        role: "user",
        content: "Apply the discount before tax in src/invoice.ts and add a regression test.",
      },
      {
        role: "assistant",
        content: [{ type: "tool_call", name: "read_file", text: "read_file src/invoice.ts" }],
      },
      {
        role: "tool",
        name: "read_file",
        toolCallId: "call-1",
        content: "export function total(lines, tax, discount) { … }",
      },
      {
        role: "assistant",
        content: "The tax is applied first. Editing total() and adding test/invoice.test.ts.",
        usage: { input: 21_000, output: 2_400 },
      },
      {
        role: "tool",
        name: "run_tests",
        toolCallId: "call-4",
        content: "1 failed: rounding differs by 0.01",
      },
      {
        role: "assistant",
        content: "Rounding once at the end fixes it; all 48 tests pass now.",
        usage: { input: 33_880, output: 5_540 },
      },
    ],
  },
  {
    id: "demo-coder-2",
    agent: "coder",
    title: "Investigate flaky currency test",
    metadata: { repo: "acme/billing", ticket: "BILL-150" },
    usage: { input: 8_300, output: 950, total: 9_250, extra: {} },
    messages: [
      { role: "user", content: "test/currency.test.ts fails one run in twenty. Find out why." },
      {
        role: "assistant",
        content:
          "It reads the system clock; the failure happens across midnight UTC. Injecting a clock.",
        usage: { input: 8_300, output: 950 },
      },
    ],
  },
]

function events(start: number): EventInput[] {
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

/** How much the demo wrote. */
export interface DemoCounts {
  agents: number
  sessions: number
  messages: number
  events: number
  toolInvocations: number
  seeded: boolean
}

/** Seeds a realistic store: two agents, three sessions, transcripts, events of every kind, tool calls. */
export async function seedDemo(store: Store, now = Date.now()): Promise<DemoCounts> {
  const start = now - 40 * MINUTE
  const existing = await store.sessions.get("demo-planner-1").catch(() => undefined)
  const evs = events(start)
  const counts: DemoCounts = {
    agents: 2,
    sessions: SESSIONS.length,
    messages: SESSIONS.reduce((n, s) => n + s.messages.length, 0),
    events: evs.length,
    toolInvocations: 4,
    seeded: existing === undefined,
  }
  if (existing) return counts
  for (const s of SESSIONS) {
    await store.sessions.create({ id: s.id, agent: s.agent, title: s.title, metadata: s.metadata })
    await store.messages.appendMany(s.id, s.messages)
    await store.sessions.addUsage(s.id, s.usage)
  }
  await store.events.appendMany(evs)
  const c = "demo-coder-1"
  const tool = (minutes: number) => new Date(start + minutes * MINUTE)
  await store.tools.record({
    id: "demo-tool-1",
    tool: "read_file",
    sessionId: c,
    arguments: { path: "src/invoice.ts" },
    status: "succeeded",
    result: { bytes: 2048 },
    startedAt: tool(4),
    finishedAt: tool(4.01),
  })
  await store.tools.record({
    id: "demo-tool-2",
    tool: "edit_file",
    sessionId: c,
    arguments: { path: "src/invoice.ts", edits: 2 },
    status: "succeeded",
    result: { linesChanged: 6 },
    startedAt: tool(6),
    finishedAt: tool(6.02),
  })
  await store.tools.record({
    id: "demo-tool-3",
    tool: "run_tests",
    sessionId: c,
    arguments: { pattern: "invoice" },
    status: "failed",
    error: { message: "1 failed", exitCode: 1 },
    startedAt: tool(7),
    finishedAt: tool(7.5),
  })
  await store.tools.record({
    id: "demo-tool-4",
    tool: "run_tests",
    sessionId: c,
    arguments: { pattern: "invoice" },
    status: "succeeded",
    result: { passed: 48 },
    startedAt: tool(9),
    finishedAt: tool(9.4),
  })
  return counts
}
