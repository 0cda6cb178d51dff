import {
  Agent,
  type AgentInputItem,
  MemorySession,
  run,
  type Session,
  setTracingDisabled,
  tool,
} from "@openai/agents-core"
import { assistantMessage, functionCall, ScriptedModel } from "@openai/agents-core/testing"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { z } from "zod"
import { createOpenAIAgentsSession } from "../../src/adapters/openai-agents/index.js"
import type { Store } from "../../src/index.js"
import { TARGETS } from "./openai-agents-targets.js"

setTracingDisabled(true)

/** An agent with a weather tool whose scripted model calls the tool, answers, then answers again. */
function weatherAgent(guard?: "block") {
  const calls: string[] = []
  const weather = tool({
    name: "get_weather",
    description: "Current weather of a city",
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      calls.push(city)
      return `sunny in ${city}`
    },
  })
  const model = new ScriptedModel([
    [functionCall("get_weather", { city: "Oslo" }, { callId: "call_1" })],
    [assistantMessage("It is sunny in Oslo.")],
    [assistantMessage("You are welcome.")],
  ])
  const outputGuardrails =
    guard === "block"
      ? [
          {
            name: "no-weather",
            execute: async () => ({ tripwireTriggered: true, outputInfo: null }),
          },
        ]
      : []
  const agent = new Agent({
    name: "forecaster",
    instructions: "Answer briefly.",
    model,
    tools: [weather],
    outputGuardrails,
  })
  return { agent, model, calls }
}

async function twoTurns(session: Session) {
  const { agent, model, calls } = weatherAgent()
  const first = await run(agent, "Weather in Oslo?", { session })
  const second = await run(agent, "Thanks!", { session })
  return { outputs: [first.finalOutput, second.finalOutput], model, calls }
}

const operation = (items: AgentInputItem[]) => ({ type: "append_items" as const, items })
const user = (text: string) => ({ type: "message", role: "user", content: text }) as AgentInputItem

for (const target of TARGETS) {
  describe.skipIf(target.skip)(`openai-agents runs on ${target.name}`, () => {
    let store: Store
    let dispose: () => Promise<void>
    beforeEach(async () => {
      ;({ store, dispose } = await target.open())
    })
    afterEach(() => dispose())

    it("runs two turns with a tool and stores what MemorySession stores", async () => {
      const session = createOpenAIAgentsSession(store, { sessionId: "weather" })
      const ours = await twoTurns(session)
      const theirs = await twoTurns(new MemorySession())
      expect(ours.outputs).toEqual(["It is sunny in Oslo.", "You are welcome."])
      expect(ours.calls).toEqual(["Oslo"])
      expect(await session.getItems()).toEqual(await (await twoTurnsItems()).getItems())
      expect(ours.model.calls[2]?.request.input).toEqual(theirs.model.calls[2]?.request.input)
      const roles = (await store.messages.list("weather")).messages.map((m) => m.role)
      expect(roles).toEqual(["user", "assistant", "tool", "assistant", "user", "assistant"])
    })

    it("keeps the executed tool call of a blocked output through an idempotent transaction", async () => {
      const session = createOpenAIAgentsSession(store)
      const memory = new MemorySession()
      for (const s of [session, memory]) {
        const { agent } = weatherAgent("block")
        await expect(run(agent, "Weather in Oslo?", { session: s })).rejects.toThrow(/guardrail/i)
      }
      const items = await session.getItems()
      expect(items).toEqual(await memory.getItems())
      expect(items.map((item) => item.type)).toEqual([
        "message",
        "function_call",
        "function_call_result",
      ])
      const { messages } = await store.messages.list(await session.getSessionId())
      expect(messages[0]?.id).toMatch(/^oai\./)
    })

    it("applies an operation once, refuses its id for another transaction, changes nothing then", async () => {
      const session = createOpenAIAgentsSession(store)
      const tx = { operationId: "op-1", transaction: operation([user("a"), user("b")]) }
      await session.applyHistoryTransaction(tx)
      await session.applyHistoryTransaction(structuredClone(tx))
      await session.addItems([user("c")])
      await session.applyHistoryTransaction(tx)
      expect(await session.getItems()).toEqual([user("a"), user("b"), user("c")])
      const other = { operationId: "op-1", transaction: operation([user("x")]) }
      await expect(session.applyHistoryTransaction(other)).rejects.toMatchObject({
        code: "CONFLICT",
      })
      const suffix = {
        operationId: "op-2",
        transaction: {
          type: "replace_suffix" as const,
          expectedSuffix: [user("b")],
          replacement: [user("B")],
        },
      }
      await expect(session.applyHistoryTransaction(suffix)).rejects.toMatchObject({
        code: "CONFLICT",
      })
      expect(await session.getItems()).toEqual([user("a"), user("b"), user("c")])
      const good = { ...suffix, operationId: "op-3" }
      good.transaction = { ...suffix.transaction, expectedSuffix: [user("b"), user("c")] }
      await session.applyHistoryTransaction(good)
      await session.applyHistoryTransaction(good)
      expect(await session.getItems()).toEqual([user("a"), user("B")])
      const bad = { operationId: " ", transaction: operation([]) }
      await expect(session.applyHistoryTransaction(bad)).rejects.toMatchObject({
        code: "VALIDATION",
      })
    })

    it("applies one operation once when 8 callers race with it, and 1 of 8 racing rewrites", async () => {
      const tx = { operationId: "race", transaction: operation([user("once"), user("twice?")]) }
      const others = [0, 1, 2, 3, 4, 5, 6, 7].map(() =>
        createOpenAIAgentsSession(store, { sessionId: "x" }),
      )
      await others[0]?.addItems([user("seed")])
      const same = others.map((s) => s.applyHistoryTransaction(tx))
      await Promise.all(same)
      expect(await others[1]?.getItems()).toEqual([user("seed"), user("once"), user("twice?")])
      const racing = others.map((s, i) =>
        s.applyHistoryTransaction({
          operationId: `rewrite-${i}`,
          transaction: {
            type: "replace_suffix",
            expectedSuffix: [user("twice?")],
            replacement: [user(`w${i}`), user("tail")],
          },
        }),
      )
      const results = await Promise.allSettled(racing)
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1)
      for (const r of results) if (r.status === "rejected") expect(r.reason.code).toBe("CONFLICT")
      expect(await others[2]?.getItems()).toHaveLength(4)
    })

    it("rewrites a function call like the framework's own mutation, in one write", async () => {
      const session = createOpenAIAgentsSession(store)
      const { agent } = weatherAgent()
      await run(agent, "Weather in Oslo?", { session })
      const memory = new MemorySession({ initialItems: await session.getItems() })
      const [call] = (await session.getItems()).filter((item) => item.type === "function_call")
      const replacement = { ...call, arguments: '{"city":"Bergen"}' } as Extract<
        AgentInputItem,
        { type: "function_call" }
      >
      const args = {
        mutations: [{ type: "replace_function_call" as const, callId: "call_1", replacement }],
      }
      await session.applyHistoryMutations(args)
      await memory.applyHistoryMutations(args)
      expect(await session.getItems()).toEqual(await memory.getItems())
      const { messages } = await store.messages.list(await session.getSessionId())
      expect(messages.map((m) => m.sequence)).toEqual([1, 2, 3, 4])
      expect(messages[1]?.content).toBe('{"city":"Bergen"}')
    })
  })
}

async function twoTurnsItems(): Promise<MemorySession> {
  const memory = new MemorySession()
  await twoTurns(memory)
  return memory
}
