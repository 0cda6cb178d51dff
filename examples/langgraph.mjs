// A LangGraph graph that pauses for a human decision, checkpointed in agentstore.
//
//   node examples/langgraph.mjs [store] [thread]          runs until the graph asks for approval
//   node examples/langgraph.mjs [store] [thread] yes|no   resumes it, from any process
//
// `store` is any agentstore URL (default ./.agentstore); `thread` defaults to refund-42.
import { Annotation, Command, END, interrupt, START, StateGraph } from "@langchain/langgraph"
import { openStore } from "agentstore"
import { AgentStoreSaver } from "agentstore/langgraph"

const State = Annotation.Root({
  request: Annotation(),
  draft: Annotation(),
  decision: Annotation(),
  outcome: Annotation(),
  // Which process ran which node: the test checks that no node ran twice.
  ranBy: Annotation({ reducer: (a, b) => a.concat(b), default: () => [] }),
})

/** The graph: draft a refund, ask a person to approve it, then send or drop it. */
export function buildGraph(checkpointer) {
  return new StateGraph(State)
    .addNode("write_draft", ({ request }) => ({
      draft: `Refund ${request.amount} EUR to ${request.customer}`,
      ranBy: [{ node: "write_draft", pid: process.pid }],
    }))
    .addNode("ask_approval", ({ draft }) => ({
      decision: interrupt({ question: "Approve this refund?", draft }),
      ranBy: [{ node: "ask_approval", pid: process.pid }],
    }))
    .addNode("settle", ({ decision }) => ({
      outcome: decision === "yes" ? "sent" : "dropped",
      ranBy: [{ node: "settle", pid: process.pid }],
    }))
    .addEdge(START, "write_draft")
    .addEdge("write_draft", "ask_approval")
    .addEdge("ask_approval", "settle")
    .addEdge("settle", END)
    .compile({ checkpointer })
}

async function main([url = "./.agentstore", thread = "refund-42", answer]) {
  const store = await openStore(url)
  try {
    const graph = buildGraph(new AgentStoreSaver(store))
    const config = { configurable: { thread_id: thread } }
    if (answer === undefined) {
      const state = await graph.invoke({ request: { customer: "Ada", amount: 30 } }, config)
      const [pause] = state.__interrupt__ ?? []
      console.log(`thread ${thread} paused: ${pause?.value.question} (${pause?.value.draft})`)
      console.log(`resume with: node examples/langgraph.mjs ${url} ${thread} yes`)
    } else {
      const state = await graph.invoke(new Command({ resume: answer }), config)
      console.log(`thread ${thread} finished: ${state.outcome}`)
      console.log(`its checkpoints: npx agentstore --store ${url} events query --session lg:${thread} --kind checkpoint`)
    }
  } finally {
    await store.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2))
