// One turn of a conversation with an OpenAI Agents SDK agent whose history lives in agentstore.
// Run it again with another message and the agent resumes the conversation, from any process:
//
//   node examples/openai-agents.mjs ./.agentstore "What is the weather in Oslo?"
//   node examples/openai-agents.mjs ./.agentstore "And what did I ask before?"
//   npx agentstore messages list weather-chat --store ./.agentstore
//
// The model is the SDK's ScriptedModel, so the example runs offline; swap in a real model
// (`model: "gpt-5-mini"` with an OPENAI_API_KEY) and nothing else changes.
import { Agent, run, setTracingDisabled, tool } from "@openai/agents-core"
import { assistantMessage, functionCall, modelResponder, ScriptedModel } from "@openai/agents-core/testing"
import { openStore } from "agentstore"
import { createOpenAIAgentsSession } from "agentstore/openai-agents"
import { z } from "zod"

setTracingDisabled(true)
const [storeUrl = "./.agentstore", message = "What is the weather in Oslo?"] = process.argv.slice(2)

const getWeather = tool({
  name: "get_weather",
  description: "The current weather of a city",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `sunny, 21 °C in ${city}`,
})

/** Asks for the weather when the user does, else says how much of the conversation it was given. */
const reply = modelResponder(({ request }) => {
  const input = Array.isArray(request.input) ? request.input : []
  const last = input.at(-1)
  if (last?.type === "function_call_result") return [assistantMessage(`It is ${last.output.text}.`)]
  if (typeof last?.content === "string" && /weather/i.test(last.content)) {
    return [functionCall("get_weather", { city: "Oslo" }, { callId: `call_${input.length}` })]
  }
  const first = input.find((item) => item.role === "user")
  return [assistantMessage(`I was given ${input.length} items; you first asked: "${first?.content}"`)]
})

const store = await openStore(storeUrl)
try {
  const model = new ScriptedModel([reply, reply])
  const agent = new Agent({ name: "forecaster", instructions: "Answer briefly.", model, tools: [getWeather] })
  const session = createOpenAIAgentsSession(store, { sessionId: "weather-chat", agent: "forecaster" })
  const result = await run(agent, message, { session })
  const items = await session.getItems()
  console.log(JSON.stringify({ answer: result.finalOutput, items: items.length, modelCalls: model.calls.length }))
} finally {
  await store.close()
}
