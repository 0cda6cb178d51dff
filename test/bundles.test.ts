import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gunzipSync, gzipSync } from "node:zlib"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { importBundle } from "../src/bundles/import.js"
import { isAgentStoreError, openStore, type Store } from "../src/index.js"
import {
  canonical,
  canonicalWork,
  exportToBuffer,
  rowCounts,
  seedVaried,
  seedWork,
  source,
} from "./support/bundles.js"

let dir: string
let store: Store
let bundle: Buffer

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-bundles-"))
  store = await openStore(join(dir, "store"))
  await seedVaried(store)
  bundle = await exportToBuffer(store)
})
afterAll(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

async function rejects(bytes: Buffer, target: Store): Promise<void> {
  const error = await importBundle(target, source(bytes)).then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isAgentStoreError(error, "INTEGRITY")) {
    throw new Error(`expected IntegrityError, got ${String(error)}`)
  }
}

/** True when a damaged gzip still decompresses to exactly the bundle. */
function unchanged(gz: Buffer): boolean {
  try {
    return gunzipSync(gz).equals(bundle)
  } catch {
    return false
  }
}

describe("bundles (R10)", () => {
  it("round trip: an import with fresh ids equals the source, references remapped", async () => {
    const copy = store.withNamespace("copy")
    const result = await importBundle(store, source(bundle), { namespace: "copy" })
    expect(result.counts).toEqual({
      session: 12,
      message: 36,
      event: 37,
      tool: 13,
      plan: 0,
      change: 0,
      artifact: 0,
      blob: 0,
    })
    expect(await canonical(copy)).toEqual(await canonical(store))
    const original = new Set((await store.sessions.list({ limit: 100 })).items.map((s) => s.id))
    for (const s of (await copy.sessions.list({ limit: 100 })).items)
      expect(original.has(s.id)).toBe(false)
  })

  it("round trip with --keep-ids into another store keeps every id; gzip is detected", async () => {
    await using other = await openStore(":memory:")
    await importBundle(other, source(await exportToBuffer(store, { gzip: true })), {
      keepIds: true,
    })
    const ids = async (s: Store) => (await s.events.query({ limit: 1000 })).events.map((e) => e.id)
    expect(await ids(other)).toEqual(await ids(store))
    expect(await canonical(other)).toEqual(await canonical(store))
  })

  it("the same bundle imported twice gives two independent copies with fresh ids", async () => {
    const twice = store.withNamespace("twice")
    const first = await importBundle(twice, source(bundle))
    const second = await importBundle(twice, source(bundle))
    const a = Object.values(first.sessions)
    const b = Object.values(second.sessions)
    expect(new Set([...a, ...b]).size).toBe(24)
    expect(await rowCounts(twice)).toEqual([24, 72, 74, 26])
    const numbers = (await twice.sessions.list({ agent: "coder", limit: 100 })).items.map(
      (s) => s.number,
    )
    expect(numbers.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    await twice.sessions.delete(a[0] as string)
    expect((await twice.sessions.get(b[0] as string)).messageCount).toBe(3)
  })

  it("--keep-ids into a namespace that holds them is a conflict and writes nothing", async () => {
    const before = await rowCounts(store)
    await expect(importBundle(store, source(bundle), { keepIds: true })).rejects.toMatchObject({
      code: "CONFLICT",
    })
    expect(await rowCounts(store)).toEqual(before)
  })

  it("every sampled byte tampered is rejected with 0 rows written", async () => {
    const target = store.withNamespace("tampered")
    const positions = new Set<number>()
    const header = bundle.indexOf(10)
    const trailer = bundle.lastIndexOf(10, bundle.length - 2) + 1
    for (let i = 0; i < Math.min(header + 1, 120); i++) positions.add(i)
    for (let i = trailer; i < bundle.length; i++) positions.add(i)
    const step = Math.max(1, Math.floor(bundle.length / 250))
    for (let i = 0; i < bundle.length; i += step) positions.add(i)
    for (const at of positions) {
      const bytes = Buffer.from(bundle)
      bytes[at] = (bytes[at] as number) ^ (at % 2 ? 0x01 : 0x20)
      await rejects(bytes, target)
    }
    expect(positions.size).toBeGreaterThan(300)
    expect(await rowCounts(target)).toEqual([0, 0, 0, 0])
  })

  it("every sampled truncation and a gzip with flipped bytes are rejected with 0 rows written", async () => {
    const target = store.withNamespace("truncated")
    const step = Math.max(1, Math.floor(bundle.length / 150))
    const lengths = new Set([0, 1, bundle.length - 1, bundle.length - 2])
    for (let n = 0; n < bundle.length; n += step) lengths.add(n)
    for (const n of lengths) await rejects(bundle.subarray(0, n), target)
    const gz = gzipSync(bundle)
    for (let at = 10; at < gz.length; at += Math.max(1, Math.floor(gz.length / 60))) {
      const bytes = Buffer.from(gz)
      bytes[at] = (bytes[at] as number) ^ 0x04
      // A flipped padding bit after the last deflate block leaves the content unchanged.
      if (unchanged(bytes)) continue
      await rejects(bytes, target)
    }
    await rejects(gz.subarray(0, gz.length - 9), target)
    expect(await rowCounts(target)).toEqual([0, 0, 0, 0])
  })
})

describe("bundles of plans, changes, artifacts and blobs (R10)", () => {
  it("round trip with fresh ids: plans, changes, artifacts and their bytes equal, references remapped", async () => {
    await using from = await openStore(join(dir, "work"))
    await seedWork(from)
    const bytes = await exportToBuffer(from, { gzip: true })
    await using other = await openStore(join(dir, "work-copy"))
    const result = await importBundle(other, source(bytes), { namespace: "copy" })
    expect(result.counts).toMatchObject({ plan: 2, change: 4, artifact: 2, blob: 9 })
    const copy = other.withNamespace("copy")
    expect(await canonicalWork(copy)).toEqual(await canonicalWork(from))
    const plans = (await copy.plans.list({ limit: 10 })).items
    const original = new Set((await from.plans.list({ limit: 10 })).items.map((p) => p.id))
    for (const p of plans) expect(original.has(p.id)).toBe(false)
    expect(await copy.artifacts.text("run-1.log")).toBe("log line 1\nlog line 2\n")
    expect(await copy.plans.diff(plans[0]?.id as string)).toBe(
      await from.plans.diff((await from.plans.list({ limit: 10 })).items[0]?.id as string),
    )
    await expect(importBundle(other, source(bytes), { namespace: "copy" })).rejects.toMatchObject({
      code: "CONFLICT",
    })
    expect((await copy.plans.list({ limit: 10 })).items).toHaveLength(2)
  })

  it("a session's export carries its plans and artifacts only; --keep-ids keeps plan ids", async () => {
    await using from = await openStore(":memory:")
    await seedWork(from)
    const [session] = (await from.sessions.list({ limit: 1 })).items
    const bytes = await exportToBuffer(from, { sessions: [session?.id as string] })
    await using other = await openStore(":memory:")
    const result = await importBundle(other, source(bytes), { keepIds: true })
    expect(result.counts).toMatchObject({ plan: 1, change: 3, artifact: 1 })
    const [plan] = (await other.plans.list({ limit: 10 })).items
    expect(plan?.id).toBe(
      (await from.plans.list({ sessionId: session?.id as string })).items[0]?.id,
    )
  })
})
