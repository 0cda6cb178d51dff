import { createHash } from "node:crypto"
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Readable } from "node:stream"
import Database from "better-sqlite3"
import { afterEach, describe, expect, it } from "vitest"
import type { BlobStore } from "../../src/artifacts/blob-store.js"
import { DB_CHUNK_SIZE } from "../../src/artifacts/db-blob-store.js"
import { createSqliteBackend } from "../../src/backends/sqlite/index.js"
import type { Backend } from "../../src/core/backend.js"
// The stores as the package exports them (their code loads on first use).
import { createDatabaseBlobStore, createFsBlobStore } from "../../src/index.js"

const sha = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex")
const dirs: string[] = []
const backends: Backend[] = []
afterEach(async () => {
  for (const backend of backends.splice(0)) await backend.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

interface Target {
  store: BlobStore
  /** Overwrites a stored blob's bytes with same-length garbage. */
  corrupt(sha256: string): void
  /** Ages a blob so collection may take it. */
  age(sha256: string): void
}

async function fsTarget(): Promise<Target> {
  const root = mkdtempSync(join(tmpdir(), "blobs-"))
  dirs.push(root)
  const store = await createFsBlobStore({ root })
  const path = (h: string) => join(root, h.slice(0, 2), h.slice(2, 4), h)
  return {
    store,
    corrupt: (h) => writeFileSync(path(h), "XXXXX"),
    age: (h) => utimesSync(path(h), new Date(1000), new Date(1000)),
  }
}

async function dbTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "dbblobs-"))
  dirs.push(dir)
  const file = join(dir, "store.db")
  const backend = await createSqliteBackend({ path: file })
  backends.push(backend)
  const raw = () => new Database(file)
  const exec = (sql: string, ...params: unknown[]) => {
    const db = raw()
    db.prepare(sql).run(...params)
    db.close()
  }
  return {
    store: createDatabaseBlobStore(backend),
    corrupt: (h) =>
      exec(
        "UPDATE blob_chunks SET data = ? WHERE blob_id = (SELECT id FROM blobs WHERE sha256 = ?)",
        Buffer.from("XXXXX"),
        h,
      ),
    age: (h) => exec("UPDATE blobs SET touched_at = 1000 WHERE sha256 = ?", h),
  }
}

async function collectAll(iterable: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const part of iterable) parts.push(part)
  return Buffer.concat(parts)
}

describe.each([
  ["fs", fsTarget],
  ["database", dbTarget],
])("%s blob store", (_name, make) => {
  it("stores bytes, strings and streams by SHA-256, once", async () => {
    const { store } = await make()
    const a = await store.put("hello")
    expect(a).toEqual({ sha256: sha("hello"), size: 5 })
    expect(await store.put(Buffer.from("hello"))).toEqual(a)
    async function* parts() {
      yield Buffer.from("hel")
      yield Buffer.from("lo")
    }
    expect(await store.put(parts())).toEqual(a)
    expect(await store.put(Readable.from([Buffer.from("he"), Buffer.from("llo")]))).toEqual(a)
    expect(Buffer.from(await store.get(a.sha256)).toString()).toBe("hello")
    const listed = []
    for await (const entry of store.list()) listed.push(entry.sha256)
    expect(listed).toEqual([a.sha256])
    expect(await store.has(a.sha256)).toBe(true)
    expect((await store.stat(a.sha256))?.size).toBe(5)
  })

  it("stores the empty blob and multi-chunk blobs, and streams byte ranges", async () => {
    const { store } = await make()
    const empty = await store.put(new Uint8Array(0))
    expect(empty.size).toBe(0)
    expect((await store.get(empty.sha256)).byteLength).toBe(0)
    const big = Buffer.alloc(DB_CHUNK_SIZE * 2 + 123)
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251
    const info = await store.put(big)
    expect(info).toEqual({ sha256: sha(big), size: big.length })
    expect(Buffer.compare(Buffer.from(await store.get(info.sha256)), big)).toBe(0)
    const start = DB_CHUNK_SIZE - 10
    const part = await collectAll(
      store.stream(info.sha256, { start, end: start + DB_CHUNK_SIZE + 20 }),
    )
    expect(Buffer.compare(part, big.subarray(start, start + DB_CHUNK_SIZE + 20))).toBe(0)
    const tail = await collectAll(store.stream(info.sha256, { start: big.length - 3 }))
    expect([...tail]).toEqual([...big.subarray(big.length - 3)])
    expect((await collectAll(store.stream(info.sha256, { start: 5, end: 5 }))).length).toBe(0)
    await expect(collectAll(store.stream(info.sha256, { start: -1 }))).rejects.toMatchObject({
      code: "VALIDATION",
    })
  })

  it("raises NotFoundError for a missing blob and ValidationError for a malformed hash", async () => {
    const { store } = await make()
    const missing = sha("never stored")
    await expect(store.get(missing)).rejects.toMatchObject({ code: "NOT_FOUND" })
    await expect(collectAll(store.stream(missing))).rejects.toMatchObject({ code: "NOT_FOUND" })
    expect(await store.has(missing)).toBe(false)
    expect(await store.delete(missing)).toBe(false)
    for (const bad of ["", "../x", "A".repeat(64), `${missing}/`, missing.slice(1), "ab/cd"]) {
      await expect(store.get(bad)).rejects.toMatchObject({ code: "VALIDATION" })
      await expect(store.has(bad)).rejects.toMatchObject({ code: "VALIDATION" })
      await expect(store.delete(bad)).rejects.toMatchObject({ code: "VALIDATION" })
    }
  })

  it("verifies the hash on read: corrupt bytes raise IntegrityError", async () => {
    const target = await make()
    const { sha256 } = await target.store.put("hello")
    target.corrupt(sha256)
    await expect(target.store.get(sha256)).rejects.toMatchObject({ code: "INTEGRITY" })
  })

  it("collects only old, unreferenced blobs", async () => {
    const target = await make()
    const { store } = target
    const kept = await store.put("referenced")
    const fresh = await store.put("fresh")
    const old = await store.put("old")
    target.age(kept.sha256)
    target.age(old.sha256)
    const cutoff = Date.now() - 60_000
    const isReferenced = async (h: string) => h === kept.sha256
    expect(await store.collect(fresh.sha256, { olderThan: cutoff, isReferenced })).toBe(false)
    expect(await store.collect(old.sha256, { olderThan: cutoff, isReferenced })).toBe(true)
    expect(await store.has(old.sha256)).toBe(false)
    expect(await store.has(fresh.sha256)).toBe(true)
    if (store.kind === "fs") {
      expect(await store.collect(kept.sha256, { olderThan: cutoff, isReferenced })).toBe(false)
      expect(await store.has(kept.sha256)).toBe(true)
    }
    await store.put("old")
    expect(await store.collect(old.sha256, { olderThan: cutoff, isReferenced })).toBe(false)
  })
})

describe("fs blob store layout", () => {
  it("shards by hash and sweeps leftover temp files", async () => {
    const root = mkdtempSync(join(tmpdir(), "blobs-"))
    dirs.push(root)
    const store = await createFsBlobStore({ root })
    const { sha256 } = await store.put("x")
    expect(readdirSync(join(root, sha256.slice(0, 2), sha256.slice(2, 4)))).toEqual([sha256])
    const leftover = join(root, "tmp", ".agentstore-tmp-1-dead")
    writeFileSync(leftover, "partial")
    utimesSync(leftover, new Date(1000), new Date(1000))
    writeFileSync(join(root, "tmp", "not-ours"), "keep")
    expect(await store.sweep(Date.now() - 1000)).toBe(1)
    expect(readdirSync(join(root, "tmp"))).toEqual(["not-ours"])
  })
})
