import { expect, it } from "vitest"
import { scriptImportLog } from "../support/imports.js"

const FRAMEWORKS = /node_modules\/(ai|@ai-sdk\/[^/]+|@openai\/agents[^/]*|@langchain\/[^/]+)\//

/** The framework packages a fresh process loads while running `script` (which imports dist/). */
function frameworksLoaded(script: string): string[] {
  const names = scriptImportLog(script)
    .split("\n")
    .map((url) => FRAMEWORKS.exec(url)?.[1])
    .filter((name): name is string => name !== undefined)
  return [...new Set(names)]
}

it("importing agentstore loads no agent framework", () => {
  const script = `
    const { openStore } = await import("agentstore")
    const store = await openStore(":memory:")
    await store.sessions.create({ agent: "a" })
    await store.close()`
  expect(frameworksLoaded(script)).toEqual([])
})

it("agentstore/ai-sdk saves and replays chats without loading ai or any other framework", () => {
  const script = `
    const { openStore } = await import("agentstore")
    const { createChatStore } = await import("agentstore/ai-sdk")
    const store = await openStore(":memory:")
    const chats = createChatStore(store)
    const chatId = await chats.createChat()
    await chats.saveChat({ chatId, messages: [{ id: "m1", role: "user", parts: [] }] })
    const stream = new ReadableStream({ start(c) { c.enqueue({ type: "start" }); c.close() } })
    const { streamId } = await chats.recordStream({ chatId, stream })
    for await (const chunk of await chats.resumeStream(chatId, { streamId })) {}
    if ((await chats.loadChat(chatId)).length !== 1) throw new Error("chat not saved")
    await store.close()`
  expect(frameworksLoaded(script)).toEqual([])
})

it("the import log sees ai when a script loads it (so the checks above can fail)", () => {
  expect(frameworksLoaded(`await import("ai")`)).toContain("ai")
})
