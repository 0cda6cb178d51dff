import { randomUUID } from "node:crypto"
import type { UIMessage } from "ai"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createChatStore } from "../../src/adapters/ai-sdk/index.js"
import type { Store } from "../../src/index.js"
import { storeTargets } from "../support/store-targets.js"

const targets = storeTargets(
  "ai-sdk-save",
  "ai-sdk saves on postgres (the test server is unreachable)",
)

const WRITES = new Set(["append", "appendMany", "truncate", "pop", "replace"])

/**
 * The real store, seen through a process that is killed once its first message write has
 * committed: every later message call fails, as nothing runs in a dead process.
 */
function killedAfterFirstWrite(store: Store): { store: Store; writes: string[] } {
  const writes: string[] = []
  let dead = false
  const messages = new Proxy(store.messages, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver)
      if (typeof value !== "function") return value
      return async (...args: unknown[]) => {
        if (dead) throw new Error("the process was killed")
        const result = await value.apply(target, args)
        if (WRITES.has(String(key))) {
          writes.push(String(key))
          dead = true
        }
        return result
      }
    },
  })
  const proxied = new Proxy(store, {
    get: (target, key, receiver) =>
      key === "messages" ? messages : Reflect.get(target, key, receiver),
  })
  return { store: proxied, writes }
}

let prefix = ""
function user(id: string, text: string): UIMessage {
  return { id: `${prefix}${id}`, role: "user", parts: [{ type: "text", text }] }
}

describe.each(targets)("agentstore/ai-sdk saveChat on $name", (target) => {
  let store: Store
  beforeAll(async () => {
    store = await target.open()
  })
  beforeEach(() => {
    prefix = `${randomUUID().slice(0, 8)}-`
  })
  afterAll(async () => {
    await store.close()
    await target.cleanup()
  })

  it("loses no saved message when the process dies after the first write of a replace", async () => {
    const chats = createChatStore(store)
    const chatId = await chats.createChat()
    const [u1, a1, u2] = [user("u1", "one"), user("a1", "two"), user("u2", "three")]
    await chats.saveChat({ chatId, messages: [u1, a1, u2] })
    const a1b = { ...a1, parts: [{ type: "text", text: "two, continued" }] } as UIMessage
    const dying = killedAfterFirstWrite(store)
    await createChatStore(dying.store)
      .saveChat({ chatId, messages: [u1, a1b, u2, user("a3", "four")] })
      .catch(() => {})
    expect(dying.writes).toHaveLength(1)
    const loaded = await chats.loadChat(chatId)
    expect(loaded.slice(0, 3).map((m) => m.id)).toEqual([u1.id, a1.id, u2.id])
    expect([a1, a1b]).toContainEqual(loaded[1])
    expect(loaded).toEqual([u1, a1b, u2, user("a3", "four")])
  })

  it("rewrites a tail longer than one batch, in order", async () => {
    const chats = createChatStore(store)
    const chatId = await chats.createChat()
    const [u1, a1] = [user("u1", "one"), user("a1", "two")]
    await chats.saveChat({ chatId, messages: [u1, a1] })
    const max = store.backend.capabilities.maxBatch
    const added = Array.from({ length: max + 1 }, (_, i) => user(`n${i}`, `n${i}`))
    const u1b = { ...u1, parts: [{ type: "text", text: "one, edited" }] } as UIMessage
    await chats.saveChat({ chatId, messages: [u1b, ...added] })
    expect(await chats.loadChat(chatId)).toEqual([u1b, a1, ...added])
    const { messages } = await store.messages.list(chatId, { latest: 2 })
    expect(messages.map((m) => m.sequence)).toEqual([max + 2, max + 3])
  })

  it("refuses a replace that would take another chat's message id, and changes nothing", async () => {
    const chats = createChatStore(store)
    const [chatId, otherId] = [await chats.createChat(), await chats.createChat()]
    const [u1, a1, theirs] = [user("u1", "one"), user("a1", "two"), user("theirs", "x")]
    await chats.saveChat({ chatId, messages: [u1, a1] })
    await chats.saveChat({ chatId: otherId, messages: [theirs] })
    const before = await store.messages.list(chatId)
    const a1b = { ...a1, parts: [{ type: "text", text: "two, edited" }] } as UIMessage
    const stolen = await chats
      .saveChat({ chatId, messages: [u1, a1b, theirs] })
      .catch((e: unknown) => e)
    expect(stolen).toMatchObject({
      code: "CONFLICT",
      details: { id: theirs.id, chatId, otherChatId: otherId },
    })
    expect(await store.messages.list(chatId)).toEqual(before)
    expect(await chats.loadChat(otherId)).toEqual([theirs])
  })
})
