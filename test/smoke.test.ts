import { describe, expect, it } from "vitest"
import { openStore } from "../src/index.js"

describe("openStore", () => {
  it("opens an in-memory store and round-trips a session", async () => {
    await using store = await openStore(":memory:")
    const session = await store.sessions.create({ agent: "planner", title: "first" })
    expect(await store.sessions.get(session.id)).toEqual(session)
  })
})
