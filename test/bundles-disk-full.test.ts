import { randomBytes } from "node:crypto"
import { createWriteStream, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { exportBundle } from "../src/bundles/export.js"
import { importBundle } from "../src/bundles/import.js"
import { openStore, type Store } from "../src/index.js"
import { exportToBuffer, rowCounts, source } from "./support/bundles.js"
import { expectUnavailable, listTree, settled, useSmallDisk } from "./support/disk-full.js"

const MiB = 1024 * 1024
const disk = useSmallDisk(6)
let scratch: string

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "agentstore-bundles-full-"))
})
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

describe("R4: disk full — bundles", () => {
  let store: Store
  let withRows: Buffer
  let withBlob: Buffer
  beforeAll(async () => {
    store = await openStore(join(scratch, "source"))
    const rows = await store.sessions.create({ agent: "a" })
    for (let i = 0; i < 200; i++) {
      await store.events.append({ kind: "output", sessionId: rows.id, text: "e".repeat(2048) })
    }
    const blob = await store.sessions.create({ agent: "b" })
    await store.artifacts.put(randomBytes(8 * MiB), { handle: "big", sessionId: blob.id })
    withRows = await exportToBuffer(store, { sessions: [rows.id] })
    withBlob = await exportToBuffer(store, { sessions: [blob.id] })
  })
  afterAll(() => store.close())

  it.each([false, true])(
    "export to a full disk (gzip %s) rejects with UnavailableError",
    async (gzip) => {
      const out = createWriteStream(join(disk.dir, "bundle.ndjson"))
      expectUnavailable(await settled(exportBundle(store, out, { gzip })))
      out.destroy()
    },
  )

  it("import with staging on a too-small disk fails typed and removes its staging", async () => {
    const target = store.withNamespace("import-big-blob")
    const outcome = await settled(importBundle(target, source(withBlob), { tempDir: disk.dir }))
    expectUnavailable(outcome)
    expect(listTree(disk.dir)).toEqual([])
    expect(await rowCounts(target)).toEqual([0, 0, 0, 0])
  })

  it("import with rows staged onto a full disk fails typed, then succeeds after freeing", async () => {
    const target = store.withNamespace("import-rows")
    disk.fill(64 * 1024)
    const outcome = await settled(importBundle(target, source(withRows), { tempDir: disk.dir }))
    expectUnavailable(outcome)
    expect(listTree(disk.dir)).toEqual(["filler"])
    expect(await rowCounts(target)).toEqual([0, 0, 0, 0])
    disk.free()
    await importBundle(target, source(withRows), { tempDir: disk.dir })
    expect(await rowCounts(target)).toEqual([1, 0, 200, 0])
    expect(listTree(disk.dir)).toEqual([])
  })
})
