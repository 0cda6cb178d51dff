import type { Store } from "../../core/store.js"
import type { MessageInput, RecordToolInput } from "../../core/types.js"
import { seedDemoArtifacts } from "./demo-artifacts.js"
import { demoEvents } from "./demo-events.js"
import { seedDemoPlan } from "./demo-plan.js"

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

/** The coder's tool calls, `at`/`end` in minutes after the demo's start. */
const TOOLS: (Omit<RecordToolInput, "sessionId" | "startedAt" | "finishedAt"> & {
  at: number
  end: number
})[] = [
  {
    id: "demo-tool-1",
    tool: "read_file",
    arguments: { path: "src/invoice.ts" },
    status: "succeeded",
    result: { bytes: 2048 },
    at: 4,
    end: 4.01,
  },
  {
    id: "demo-tool-2",
    tool: "edit_file",
    planId: "demo-plan-1",
    arguments: { path: "src/invoice.ts", edits: 2 },
    status: "succeeded",
    result: { linesChanged: 6 },
    at: 6,
    end: 6.02,
  },
  {
    id: "demo-tool-3",
    tool: "run_tests",
    arguments: { pattern: "invoice" },
    status: "failed",
    error: { message: "1 failed", exitCode: 1 },
    at: 7,
    end: 7.5,
  },
  {
    id: "demo-tool-4",
    tool: "run_tests",
    arguments: { pattern: "invoice" },
    status: "succeeded",
    result: { passed: 48 },
    at: 9,
    end: 9.4,
  },
]

/** How much the demo wrote. */
export interface DemoCounts {
  agents: number
  sessions: number
  messages: number
  events: number
  toolInvocations: number
  artifacts: number
  plans: number
  seeded: boolean
}

/** Seeds a realistic store: two agents, three sessions, transcripts, events of every kind, tool calls. */
export async function seedDemo(store: Store, now = Date.now()): Promise<DemoCounts> {
  const start = now - 40 * MINUTE
  const existing = await store.sessions.get("demo-planner-1").catch(() => undefined)
  const evs = demoEvents(start)
  const counts: DemoCounts = {
    agents: 2,
    sessions: SESSIONS.length,
    messages: SESSIONS.reduce((n, s) => n + s.messages.length, 0),
    events: evs.length,
    toolInvocations: TOOLS.length,
    artifacts: 3,
    plans: 1,
    seeded: existing === undefined,
  }
  if (existing) return counts
  for (const s of SESSIONS) {
    await store.sessions.create({ id: s.id, agent: s.agent, title: s.title, metadata: s.metadata })
    await store.messages.appendMany(s.id, s.messages)
    await store.sessions.addUsage(s.id, s.usage)
  }
  await store.events.appendMany(evs)
  for (const t of TOOLS) {
    const { at, end, ...rest } = t
    await store.tools.record({
      ...rest,
      sessionId: "demo-coder-1",
      startedAt: new Date(start + at * MINUTE),
      finishedAt: new Date(start + end * MINUTE),
    })
  }
  await seedDemoArtifacts(store)
  await seedDemoPlan(store)
  return counts
}
