/**
 * `agentstore/langgraph`: a LangGraph.js checkpointer on an agentstore `Store`.
 * Needs the optional peer dependency `@langchain/langgraph-checkpoint` 1.x.
 * @example
 * import { openStore } from "agentstore"
 * import { AgentStoreSaver } from "agentstore/langgraph"
 * const checkpointer = new AgentStoreSaver(await openStore("./.agentstore"))
 */
export { AgentStoreSaver, type AgentStoreSaverOptions } from "./saver.js"
