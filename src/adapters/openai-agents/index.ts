import type { Store } from "../../index.js"
import { type AgentStoreSession, type OpenAIAgentsSessionOptions, StoreSession } from "./session.js"

export type { AgentStoreSession, OpenAIAgentsSessionOptions } from "./session.js"

/**
 * A `Session` for `@openai/agents-core` that keeps the conversation in an agentstore session:
 * each item is one message (in order, with gap-free sequences), so `agentstore messages list`
 * shows the transcript and any process can resume it. Supports the framework's atomic,
 * idempotent history transactions and history rewrites.
 * @example
 * import { Agent, run } from "@openai/agents-core"
 * import { openStore } from "agentstore"
 * import { createOpenAIAgentsSession } from "agentstore/openai-agents"
 *
 * const store = await openStore("./.agentstore")
 * const session = createOpenAIAgentsSession(store, { sessionId: "support-42" })
 * const result = await run(agent, "Where is my order?", { session })
 */
export function createOpenAIAgentsSession(
  store: Store,
  options: OpenAIAgentsSessionOptions = {},
): AgentStoreSession {
  return new StoreSession(store, options)
}
