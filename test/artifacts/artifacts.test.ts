import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { manualClock, openStore, type Store } from "../../src/index.js"

const dirs: string[] = []
const open: Store[] = []
afterEach(async () => {
  for (const store of open.splice(0)) await store.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

async function fresh(kind: "fs" | "database", clock = manualClock(1_700_000_000_000)) {
  const dir = mkdtempSync(join(tmpdir(), "artifacts-"))
  dirs.push(dir)
  const store =
    kind === "fs" ? await openStore(dir, { clock }) : await openStore(":memory:", { clock })
  open.push(store)
  return { store, dir, clock }
}

const BAD_HANDLES = [
  "",
  ".",
  "..",
  "../x",
  "a/b",
  "/etc/passwd",
  "a\\b",
  "..\\x",
  "a\u0000b",
  "a\nb",
  "%2e%2e",
  "%2e%2e%2fx",
  "a".repeat(257),
  " x",
  "-x",
  42,
  null,
]

describe.each(["fs", "database"] as const)("artifacts on the %s blob store", (kind) => {
  it("puts, heads, gets, streams and deletes by handle", async () => {
    const { store } = await fresh(kind)
    const ref = await store.artifacts.put("hello\nworld\n", {
      handle: "run-1.log",
      label: "build log",
      metadata: { step: 3 },
    })
    expect(ref).toMatchObject({
      handle: "run-1.log",
      namespace: "default",
      size: 12,
      mediaType: "text/plain; charset=utf-8",
      label: "build log",
      metadata: { step: 3 },
      sessionId: null,
      createdAt: "2023-11-14T22:13:20.000Z",
    })
    expect(await store.artifacts.head("run-1.log")).toEqual(ref)
    expect(await store.artifacts.text("run-1.log")).toBe("hello\nworld\n")
    const parts: Uint8Array[] = []
    for await (const part of store.artifacts.stream("run-1.log", { start: 6 })) parts.push(part)
    expect(Buffer.concat(parts).toString()).toBe("world\n")
    expect(await store.artifacts.delete("run-1.log")).toBe(true)
    expect(await store.artifacts.delete("run-1.log")).toBe(false)
    await expect(store.artifacts.head("run-1.log")).rejects.toMatchObject({ code: "NOT_FOUND" })
    await expect(store.artifacts.get("run-1.log")).rejects.toMatchObject({ code: "NOT_FOUND" })
  })

  it("generates handles, dedups blobs, and is idempotent per handle", async () => {
    const { store } = await fresh(kind)
    const a = await store.artifacts.put(Buffer.from("same"))
    const b = await store.artifacts.put("same", { mediaType: "text/plain" })
    expect(a.handle).not.toBe(b.handle)
    expect(a.sha256).toBe(b.sha256)
    expect(a.mediaType).toBe("application/octet-stream")
    let blobs = 0
    for await (const _ of store.blobs.list()) blobs++
    expect(blobs).toBe(1)
    const again = await store.artifacts.put("same", { handle: b.handle, mediaType: "text/plain" })
    expect(again).toEqual(b)
    await expect(store.artifacts.put("other", { handle: b.handle })).rejects.toMatchObject({
      code: "CONFLICT",
    })
    const replaced = await store.artifacts.put("other", { handle: b.handle, overwrite: true })
    expect(await store.artifacts.text(replaced.handle)).toBe("other")
  })

  it("validates handles on every call", async () => {
    const { store } = await fresh(kind)
    for (const handle of BAD_HANDLES) {
      const h = handle as string
      await expect(store.artifacts.put("x", { handle: h })).rejects.toMatchObject({
        code: "VALIDATION",
      })
      await expect(store.artifacts.head(h)).rejects.toMatchObject({ code: "VALIDATION" })
      await expect(store.artifacts.get(h)).rejects.toMatchObject({ code: "VALIDATION" })
      await expect(store.artifacts.delete(h)).rejects.toMatchObject({ code: "VALIDATION" })
      await expect(store.artifacts.drilldown(h, { kind: "head", chars: 1 })).rejects.toMatchObject({
        code: "VALIDATION",
      })
      const consume = async () => {
        for await (const _ of store.artifacts.stream(h)) break
      }
      await expect(consume()).rejects.toMatchObject({ code: "VALIDATION" })
    }
    expect((await store.artifacts.list()).items).toEqual([])
  })

  it("rejects bad options before storing anything", async () => {
    const { store } = await fresh(kind)
    for (const options of [
      { mediaType: "text" },
      { mediaType: "text/plain\n" },
      { label: "a\u0000" },
      { metadata: [] },
      { sessionId: "../s" },
      { colour: "red" },
    ]) {
      await expect(store.artifacts.put("x", options as never)).rejects.toMatchObject({
        code: "VALIDATION",
      })
    }
    let blobs = 0
    for await (const _ of store.blobs.list()) blobs++
    expect(blobs).toBe(0)
    await expect(store.artifacts.put("x", { sessionId: "missing" })).rejects.toMatchObject({
      code: "VALIDATION",
    })
  })

  it("lists by session, media type and label, paginated, per namespace", async () => {
    const { store, clock } = await fresh(kind)
    const session = await store.sessions.create({ agent: "a" })
    for (let i = 0; i < 5; i++) {
      clock.advance(1)
      await store.artifacts.put(`n${i}`, {
        handle: `h${i}`,
        mediaType: i % 2 ? "text/csv" : "text/plain",
        label: i < 2 ? "early" : "late",
        ...(i === 4 ? { sessionId: session.id } : {}),
      })
    }
    const page1 = await store.artifacts.list({ limit: 2 })
    expect(page1.items.map((r) => r.handle)).toEqual(["h4", "h3"])
    const page2 = await store.artifacts.list({ limit: 2, cursor: page1.nextCursor as string })
    expect(page2.items.map((r) => r.handle)).toEqual(["h2", "h1"])
    const asc = await store.artifacts.list({ order: "asc", mediaType: "text/csv" })
    expect(asc.items.map((r) => r.handle)).toEqual(["h1", "h3"])
    expect((await store.artifacts.list({ label: "early" })).items.map((r) => r.handle)).toEqual([
      "h1",
      "h0",
    ])
    expect(
      (await store.artifacts.list({ sessionId: session.id })).items.map((r) => r.handle),
    ).toEqual(["h4"])
    const other = store.withNamespace("tenant-b")
    expect((await other.artifacts.list()).items).toEqual([])
    await expect(other.artifacts.get("h1")).rejects.toMatchObject({ code: "NOT_FOUND" })
    await store.sessions.delete(session.id)
    await expect(store.artifacts.head("h4")).rejects.toMatchObject({ code: "NOT_FOUND" })
  })

  it("gc deletes only blobs nothing points at, after the grace period", async () => {
    const { store } = await fresh(kind)
    const kept = await store.artifacts.put("kept")
    const shared = await store.artifacts.put("shared", { handle: "s1" })
    await store.withNamespace("other").artifacts.put("shared", { handle: "s2" })
    const dropped = await store.artifacts.put("dropped")
    await store.artifacts.delete(dropped.handle)
    await store.artifacts.delete("s1")
    expect(await store.artifacts.gc()).toMatchObject({ deleted: 0 })
    const report = await store.artifacts.gc({ graceMs: 0 })
    expect(report).toMatchObject({ scanned: 3, deleted: 1, bytesFreed: 7 })
    expect(await store.blobs.has(dropped.sha256)).toBe(false)
    expect(await store.blobs.has(shared.sha256)).toBe(true)
    expect(await store.artifacts.text(kept.handle)).toBe("kept")
  })

  it("a put racing gc keeps its blob", async () => {
    const { store } = await fresh(kind)
    const first = await store.artifacts.put("racy")
    await store.artifacts.delete(first.handle)
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 ? store.artifacts.gc({ graceMs: 60_000 }) : store.artifacts.put("racy"),
      ),
    )
    let puts = 0
    for (const result of results) {
      if (!("handle" in result)) continue
      puts++
      expect(await store.artifacts.text(result.handle)).toBe("racy")
    }
    expect(puts).toBe(10)
  })
})

describe("blob placement", () => {
  it("puts blobs under <dir>/blobs for a directory store and beside a sqlite: file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "place-"))
    dirs.push(dir)
    const a = await openStore(join(dir, "store"))
    open.push(a)
    const { sha256 } = await a.artifacts.put("x")
    expect(readdirSync(join(dir, "store", "blobs", sha256.slice(0, 2)))).toEqual([
      sha256.slice(2, 4),
    ])
    const b = await openStore(`sqlite:${join(dir, "file.db")}`)
    open.push(b)
    await b.artifacts.put("x")
    expect(readdirSync(join(dir, "file.db-blobs")).sort()).toEqual([sha256.slice(0, 2), "tmp"])
    expect(a.blobs.kind).toBe("fs")
    const c = await openStore(`sqlite:${join(dir, "other.db")}`, { blobStorage: "database" })
    open.push(c)
    expect(c.blobs.kind).toBe("database")
  })
})
