import { createHash } from "node:crypto"
import { gzipSync } from "node:zlib"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ImportOptions, importBundle } from "../src/bundles/import.js"
import { checkBundlePath } from "../src/bundles/records.js"
import { openStore, type Store } from "../src/index.js"
import { exportToBuffer, rowCounts, seedVaried, source } from "./support/bundles.js"
import { craft as craftBundle, type Line } from "./support/craft.js"

let store: Store
let lines: Record<string, unknown>[]

/**
 * A bundle with a correct checksum and counts around `records`; `header` overrides fields of the
 * header line, and counts given there are claimed in the header only.
 */
function craft(records: Record<string, unknown>[], header: Record<string, unknown> = {}): Buffer {
  const { counts, ...fields } = header
  return craftBundle(
    { ...lines[0], ...fields },
    records as unknown as Line[],
    counts as Record<string, number> | undefined,
  )
}

async function rejected(bytes: Buffer, reason: string, options: ImportOptions = {}): Promise<void> {
  const target = store.withNamespace("hostile")
  await expect(importBundle(target, source(bytes), options)).rejects.toMatchObject({
    code: "INTEGRITY",
    details: { reason },
  })
  expect(await rowCounts(target)).toEqual([0, 0, 0, 0])
}

beforeAll(async () => {
  store = await openStore(":memory:")
  await seedVaried(store, 2)
  lines = (await exportToBuffer(store))
    .toString("utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l))
})
afterAll(() => store.close())

const records = () => lines.slice(1, -1)
const sessionLine = () =>
  records().find((r) => r.type === "session") as { record: Record<string, unknown> }

describe("hostile bundles (S6): rejected before any write", () => {
  it("a crafted bundle with a correct checksum imports (the helper is sound)", async () => {
    const target = store.withNamespace("crafted")
    await importBundle(target, source(craft(records())))
    expect((await rowCounts(target))[0]).toBe(2)
  })

  it("a decompression bomb stops at the cap", async () => {
    const bomb = gzipSync(Buffer.concat([craft(records()), Buffer.alloc(64 * 2 ** 20, 0x20)]))
    expect(bomb.length).toBeLessThan(2 ** 20)
    await rejected(bomb, "too-large", { limits: { maxBytes: 4 * 2 ** 20 } })
  })

  it("an endless line stops at the line cap", async () => {
    const long = Buffer.concat([craft([]).subarray(0, 10), Buffer.alloc(8 * 2 ** 20, 0x61)])
    await rejected(long, "line-too-long", { limits: { maxLineBytes: 2 ** 20 } })
  })

  it("absurd, negative or malformed counts", async () => {
    await rejected(
      craft(records(), { counts: { session: 1e15, message: 0, event: 0, tool: 0 } }),
      "counts",
    )
    await rejected(
      craft(records(), { counts: { session: -1, message: 0, event: 0, tool: 0 } }),
      "counts",
    )
    await rejected(
      craft(records(), { counts: { session: 0, message: 0, event: 0, tool: 0, extra: 1 } }),
      "counts",
    )
  })

  it("duplicate ids, dangling references, decreasing sequences", async () => {
    const s = sessionLine()
    await rejected(craft([s, s]), "duplicate-id")
    const message = records().find((r) => r.type === "message") as {
      record: Record<string, unknown>
    }
    await rejected(craft([message]), "reference")
    await rejected(craft([s, message, message]), "duplicate-id")
    const again = { type: "message", record: { ...message.record, id: "other-id" } }
    await rejected(craft([s, message, again]), "sequence")
  })

  it("ids that are paths, unknown fields and record types", async () => {
    const s = sessionLine()
    for (const id of ["../../etc/passwd", "/abs", "a\\b", "x\u0000y", ""]) {
      await rejected(craft([{ type: "session", record: { ...s.record, id } }]), "invalid-record")
    }
    await rejected(
      craft([{ type: "session", record: { ...s.record, extra: 1 } }]),
      "invalid-record",
    )
    await rejected(craft([{ type: "attachment", record: {} }]), "malformed")
    await rejected(craft([{ type: "blob", record: {} }]), "invalid-record")
    await rejected(craft([{ type: "header", ...lines[0] }]), "malformed")
  })

  it("newer schema, foreign format, data after the trailer, empty input", async () => {
    await rejected(craft(records(), { schemaVersion: 999 }), "schema-newer")
    await rejected(craft(records(), { format: "tarball" }), "format")
    await rejected(craft(records(), { formatVersion: 2 }), "format-version")
    await rejected(Buffer.concat([craft(records()), Buffer.from("{}\n")]), "after-trailer")
    await rejected(Buffer.alloc(0), "empty")
    await rejected(Buffer.from("\u0000\u0001binary\n"), "malformed")
  })

  it("a change whose path escapes, or a blob whose bytes do not match its hash: nothing written", async () => {
    const line = sessionLine()
    const s = {
      ...line,
      record: { ...line.record, messageCount: 0, lastSequence: 0 } as Record<string, unknown>,
    }
    const at = "2025-01-01T00:00:00.000Z"
    const plan = {
      type: "plan",
      record: {
        id: "plan-1",
        sessionId: s.record.id,
        title: "t",
        workspace: null,
        status: "ready",
        changesetId: "cs-1",
        applyJournal: null,
        createdAt: at,
        updatedAt: at,
        finishedAt: null,
      },
    }
    const bytes = Buffer.from("hello\n")
    const sha256 = createHash("sha256").update(bytes).digest("hex")
    const change = (path: string) => ({
      type: "change",
      record: {
        id: "change-1",
        planId: "plan-1",
        changesetId: "cs-1",
        seq: 1,
        path,
        op: "create",
        oldPath: null,
        beforeSha256: null,
        afterSha256: sha256,
        beforeSize: null,
        afterSize: bytes.length,
        mode: null,
        toolInvocationId: null,
        createdAt: at,
      },
    })
    const blob = (data: Buffer) => ({
      type: "blob",
      record: { sha256, size: data.length, offset: 0, data: data.toString("base64") },
    })
    const target = store.withNamespace("crafted-work")
    await importBundle(target, source(craft([s, plan, change("src/x.ts"), blob(bytes)])))
    expect((await target.plans.list()).items).toHaveLength(1)
    for (const path of ["../x", "a/../../x", "/etc/passwd", "a\\b", "./a"]) {
      await rejected(craft([s, plan, change(path), blob(bytes)]), "invalid-record")
    }
    const hostile = await openStore(":memory:")
    const tampered = Buffer.from("hellO\n")
    await expect(
      importBundle(hostile, source(craft([s, plan, change("src/x.ts"), blob(tampered)]))),
    ).rejects.toMatchObject({ code: "INTEGRITY", details: { reason: "blob-checksum" } })
    expect(await hostile.blobs.has(sha256)).toBe(false)
    expect(await rowCounts(hostile)).toEqual([0, 0, 0, 0])
    expect((await hostile.plans.list()).items).toHaveLength(0)
    await expect(
      importBundle(hostile, source(craft([s, plan, change("src/x.ts")]))),
    ).rejects.toMatchObject({ code: "INTEGRITY", details: { reason: "missing-blob" } })
    expect((await hostile.plans.list()).items).toHaveLength(0)
    const short = { type: "blob", record: { ...blob(bytes).record, size: 99 } }
    await rejected(craft([s, plan, change("src/x.ts"), short]), "blob-incomplete")
    await hostile.close()
  })

  it("paths a bundle may name are relative, normalised and free of control characters", () => {
    expect(checkBundlePath("path", "src/a/b.ts")).toBe("src/a/b.ts")
    for (const bad of [
      "/etc/passwd",
      "../x",
      "a/../../x",
      "a//b",
      "./a",
      "a\\b",
      "C:/x",
      "a\u0000b",
      "",
    ]) {
      expect(() => checkBundlePath("path", bad)).toThrow(/path/)
    }
  })
})
