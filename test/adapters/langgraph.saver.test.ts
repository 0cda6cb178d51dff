import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  type Checkpoint,
  ERROR,
  emptyCheckpoint,
  INTERRUPT,
  MemorySaver,
  RESUME,
  uuid6,
} from "@langchain/langgraph-checkpoint"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { AgentStoreSaver } from "../../src/adapters/langgraph/index.js"
import { openStore, type Store } from "../../src/index.js"
import { describePg, dropSchema, freshSchema, PG_URL } from "../support/postgres.js"

const dir = mkdtempSync(join(tmpdir(), "agentstore-langgraph-saver-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const META = { source: "loop" as const, step: 0, parents: {} }

function checkpoint(values: Record<string, unknown> = {}): Checkpoint {
  const versions = Object.fromEntries(Object.keys(values).map((k) => [k, 1]))
  return { ...emptyCheckpoint(), id: uuid6(-1), channel_values: values, channel_versions: versions }
}

type Saver = MemorySaver | AgentStoreSaver

/** Writes from several tasks, out of order, re-sent with other values, special channels replaced. */
async function writeScript(saver: Saver, thread: string) {
  const config = await saver.put({ configurable: { thread_id: thread } }, checkpoint(), META, {})
  await saver.putWrites(
    config,
    [
      ["b", 1],
      ["a", 2],
    ],
    "task-2",
    "~1|b",
  )
  await saver.putWrites(config, [["a", "first"]], "task-1", "~1|a")
  await saver.putWrites(config, [["a", "second"]], "task-1", "~1|a")
  await saver.putWrites(config, [[INTERRUPT, { q: 1 }]], "task-3", "~1|c")
  await saver.putWrites(config, [[INTERRUPT, { q: 2 }]], "task-3", "~1|c")
  await saver.putWrites(
    config,
    [
      [RESUME, "yes"],
      [ERROR, { message: "x" }],
    ],
    "00000000",
  )
  await saver.putWrites(config, [["astral", "𝒳"]], "task-𝒳", "~1|\u{1F600}")
  await saver.putWrites(config, [["bmp", "\uffff"]], "task-\uffff", "~1|\uffff")
  return (await saver.getTuple(config))?.pendingWrites
}

function suite(open: () => Promise<Store>) {
  let store: Store
  let saver: AgentStoreSaver
  beforeAll(async () => {
    store = await open()
    saver = new AgentStoreSaver(store, { inlineBytes: 4096 })
  })
  afterAll(() => store.close())

  it("returns pending writes exactly as MemorySaver does: sort order, first regular value, last special value", async () => {
    const expected = await writeScript(new MemorySaver(), "w")
    expect(expected?.length).toBe(8)
    expect(await writeScript(saver, "w")).toEqual(expected)
  })

  it("keeps a value over inlineBytes in the artifact store, exact, and deleteThread removes it", async () => {
    const big = { text: "é".repeat(50_000), bytes: new Uint8Array([0, 255, 1]).toString() }
    const config = await saver.put(
      { configurable: { thread_id: "big" } },
      checkpoint({ big }),
      META,
      { big: 1 },
    )
    const blobs = await store.events.query({ sessionId: "lg:big", kinds: ["checkpoint_blob"] })
    const handle = blobs.events[0]?.artifactRef as string
    expect(handle).toBeTruthy()
    expect((await store.artifacts.head(handle)).sessionId).toBe("lg:big")
    expect((await saver.getTuple(config))?.checkpoint.channel_values).toEqual({ big })

    await saver.deleteThread("big")
    expect(await saver.getTuple(config)).toBeUndefined()
    await expect(store.artifacts.head(handle)).rejects.toMatchObject({ code: "NOT_FOUND" })
    expect(await store.events.count({ sessionId: "lg:big" })).toBe(0)
  })

  it("put and putWrites are idempotent: sending them again stores nothing new", async () => {
    const config = { configurable: { thread_id: "again" } }
    const cp = checkpoint({ a: [1, 2] })
    const stored = await saver.put(config, cp, META, { a: 1 })
    await saver.putWrites(stored, [["a", 3]], "t")
    const count = await store.events.count({ sessionId: "lg:again" })
    await saver.put(config, cp, META, { a: 1 })
    await saver.putWrites(stored, [["a", 3]], "t")
    expect(await store.events.count({ sessionId: "lg:again" })).toBe(count)
  })

  it("writes again to a thread another saver deleted in between", async () => {
    const config = { configurable: { thread_id: "gone" } }
    await saver.put(config, checkpoint(), META, {})
    await new AgentStoreSaver(store).deleteThread("gone")
    const stored = await saver.put(config, checkpoint({ a: 1 }), META, { a: 1 })
    expect((await saver.getTuple(stored))?.checkpoint.channel_values).toEqual({ a: 1 })
    await saver.deleteThread("never-existed")
  })

  it("refuses a config without thread_id with a typed error and writes nothing", async () => {
    const before = await store.events.count()
    await expect(saver.put({ configurable: {} }, checkpoint(), META, {})).rejects.toMatchObject({
      code: "VALIDATION",
      details: { field: "config.configurable.thread_id" },
    })
    await expect(
      saver.putWrites({ configurable: { thread_id: "x" } }, [["a", 1]], "t"),
    ).rejects.toMatchObject({ code: "VALIDATION" })
    expect(await store.events.count()).toBe(before)
  })

  it("maps any thread id to a session: readable ids as is, others hashed", async () => {
    const odd = "tenant/42 \u0000 thread"
    const stored = await saver.put({ configurable: { thread_id: odd } }, checkpoint(), META, {})
    expect(stored.configurable?.thread_id).toBe(odd)
    const tuple = await saver.getTuple({ configurable: { thread_id: odd } })
    expect(tuple?.config.configurable?.thread_id).toBe(odd)
    const sessions = await store.sessions.list({ agent: "langgraph", limit: 100 })
    const session = sessions.items.find((s) => s.id.startsWith("lgh:"))
    expect(session?.metadata).toEqual({ langgraph: { threadId: odd } })
  })
}

describe("AgentStoreSaver on a SQLite file", () => {
  let n = 0
  suite(() => openStore(join(dir, `store-${++n}`)))
})

describePg("AgentStoreSaver on PostgreSQL", () => {
  const schema = freshSchema()
  afterAll(() => dropSchema(schema))
  suite(() => {
    const url = new URL(PG_URL)
    url.searchParams.set("schema", schema)
    return openStore(url.toString())
  })
})
