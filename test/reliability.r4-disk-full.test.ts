import { createHash, randomBytes } from "node:crypto"
import { readdirSync } from "node:fs"
import { join } from "node:path"
import Database from "better-sqlite3"
import { describe, expect, it } from "vitest"
import { createFsBlobStore } from "../src/artifacts/fs-blob-store.js"
import { openStore } from "../src/index.js"
import { expectUnavailable, listTree, settled, useSmallDisk } from "./support/disk-full.js"

const MiB = 1024 * 1024
const disk = useSmallDisk(6)

describe("R4: disk full — filesystem blobs", () => {
  it("a 10 MiB put onto a 6 MiB disk fails with UnavailableError and stores nothing", async () => {
    const blobs = await createFsBlobStore({ root: join(disk.dir, "blobs") })
    const data = randomBytes(10 * MiB)
    const sha = createHash("sha256").update(data).digest("hex")
    expectUnavailable(await settled(blobs.put(data)))
    expect(await blobs.stat(sha)).toBeUndefined()
    expect(listTree(join(disk.dir, "blobs")).filter((p) => p.length > 5)).toEqual([])
  })

  it("an artifact put on a full disk fails typed, leaves no ref, and works once space is freed", async () => {
    const store = await openStore(join(disk.dir, "store"))
    try {
      await store.artifacts.put("small and early", { handle: "early" })
      disk.fill()
      const big = randomBytes(2 * MiB)
      expectUnavailable(await settled(store.artifacts.put(big, { handle: "big" })))
      expect((await store.artifacts.list()).items.map((a) => a.handle)).toEqual(["early"])
      expect(readdirSync(join(disk.dir, "store", "blobs", "tmp"))).toEqual([])
      disk.free()
      await store.artifacts.put(big, { handle: "big" })
      expect(Buffer.from(await store.artifacts.get("big")).equals(big)).toBe(true)
    } finally {
      await store.close()
    }
  })
})

describe("R4: disk full — the SQLite database file", () => {
  it("an append fails typed, nothing is half-visible, appends work again after freeing space", async () => {
    const dir = join(disk.dir, "store")
    const store = await openStore(dir, { blobStorage: "database" })
    try {
      const session = await store.sessions.create({ agent: "a" })
      await store.messages.append(session.id, { role: "user", content: "before" })
      disk.fill()
      const big = "x".repeat(2 * MiB)
      const failed = await settled(
        store.messages.append(session.id, { role: "user", content: big }),
      )
      expectUnavailable(failed)
      expect((failed as { details: { driverCode: string } }).details.driverCode).toBe("SQLITE_FULL")
      expectUnavailable(await settled(store.events.append({ kind: "output", text: big })))
      expect(await store.messages.count(session.id)).toBe(1)
      expect((await store.sessions.get(session.id)).messageCount).toBe(1)
      expect(await store.events.count()).toBe(0)
      disk.free()
      await store.messages.append(session.id, { role: "user", content: big })
      await store.events.append({ kind: "output", text: "after" })
      expect(await store.messages.count(session.id)).toBe(2)
    } finally {
      await store.close()
    }
    const db = new Database(join(dir, "store.db"), { readonly: true })
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok")
    } finally {
      db.close()
    }
  })
})
