import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import { afterAll, describe, expect, it } from "vitest"
import { openStore, type Store } from "../../src/index.js"
import { adminQuery, dropSchema, freshSchema, PG_URL, pgAvailable } from "../support/postgres.js"

const MIB = 1 << 20
/** Three and a half 1 MiB database chunks of distinct lines. */
const content = Buffer.from(
  Array.from({ length: 60_000 }, (_, i) => `line ${String(i).padStart(6, "0")} ${"z".repeat(50)}`)
    .join("\n")
    .slice(0, 3.5 * MIB),
)
/** The flipped byte: inside chunk 1 (the second MiB). */
const FLIP_AT = MIB + 4321

interface Target {
  store: Store
  /** Flips one bit of the stored byte at `at` of the blob `sha256`, behind the store's back. */
  flip(sha256: string, at: number): Promise<void>
  cleanup(): Promise<void>
}

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Flips one bit of a chunk row in the SQLite file `file`. */
async function sqliteTargetFor(file: string) {
  return async (sha256: string, at: number) => {
    const db = new Database(file)
    const where = "blob_id = (SELECT id FROM blobs WHERE sha256 = ?) AND idx = ?"
    const data = db.prepare(`SELECT data FROM blob_chunks WHERE ${where}`).pluck()
    const chunk = data.get(sha256, Math.floor(at / MIB)) as Buffer
    chunk[at % MIB] = (chunk[at % MIB] as number) ^ 1
    db.prepare(`UPDATE blob_chunks SET data = ? WHERE ${where}`).run(
      chunk,
      sha256,
      Math.floor(at / MIB),
    )
    db.close()
  }
}

async function sqliteDatabaseTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "verify-sqlite-"))
  dirs.push(dir)
  const file = join(dir, "store.db")
  const store = await openStore(`sqlite:${file}`, { blobStorage: "database" })
  return {
    store,
    flip: await sqliteTargetFor(file),
    cleanup: () => store.close(),
  }
}

async function postgresDatabaseTarget(): Promise<Target> {
  const schema = freshSchema()
  const url = new URL(PG_URL)
  url.searchParams.set("schema", schema)
  const store = await openStore(url.toString(), { blobStorage: "database" })
  return {
    store,
    async flip(sha256, at) {
      await adminQuery(
        `UPDATE "${schema}".blob_chunks
            SET data = set_byte(data, $3, get_byte(data, $3) # 1)
          WHERE blob_id = (SELECT id FROM "${schema}".blobs WHERE sha256 = $1) AND idx = $2`,
        [sha256, Math.floor(at / MIB), at % MIB],
      )
    },
    async cleanup() {
      await store.close()
      await dropSchema(schema)
    },
  }
}

async function fsTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "verify-fs-"))
  dirs.push(dir)
  const store = await openStore(dir)
  return {
    store,
    async flip(sha256, at) {
      const path = join(dir, "blobs", sha256.slice(0, 2), sha256.slice(2, 4), sha256)
      const bytes = readFileSync(path)
      bytes[at] = (bytes[at] as number) ^ 1
      writeFileSync(path, bytes)
    },
    cleanup: () => store.close(),
  }
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => "read back silently",
    (error: unknown) => error,
  )
}

const integrity = { code: "INTEGRITY" }

async function flipped(make: () => Promise<Target>) {
  const target = await make()
  const ref = await target.store.artifacts.put(content, { mediaType: "text/plain" })
  await target.flip(ref.sha256, FLIP_AT)
  return { ...target, handle: ref.handle }
}

async function readRange(store: Store, handle: string, start: number, end: number) {
  const parts: Uint8Array[] = []
  for await (const part of store.artifacts.stream(handle, { start, end })) parts.push(part)
  return Buffer.concat(parts)
}

describe.each([
  ["SQLite", sqliteDatabaseTarget, true],
  ["PostgreSQL", postgresDatabaseTarget, pgAvailable],
])("database blob store on %s: every chunk read is verified", (_name, make, available) => {
  it.skipIf(!available)(
    "a flipped byte fails every read that touches its chunk with IntegrityError",
    async () => {
      const { store, handle, cleanup } = await flipped(make)
      try {
        const near = { start: FLIP_AT - 10, end: FLIP_AT + 10 }
        expect(await failure(() => readRange(store, handle, near.start, near.end))).toMatchObject(
          integrity,
        )
        const bytes = { kind: "bytes" as const, offset: FLIP_AT - 100, length: 200 }
        expect(await failure(() => store.artifacts.drilldown(handle, bytes))).toMatchObject(
          integrity,
        )
        const lines = { kind: "lines" as const, start: 18_000, end: 18_010 }
        expect(await failure(() => store.artifacts.drilldown(handle, lines))).toMatchObject(
          integrity,
        )
        expect(await failure(() => store.artifacts.get(handle))).toMatchObject(integrity)
        expect(await readRange(store, handle, 10, 5000)).toEqual(content.subarray(10, 5000))
        expect(await readRange(store, handle, 2 * MIB, 2 * MIB + 10)).toEqual(
          content.subarray(2 * MIB, 2 * MIB + 10),
        )
      } finally {
        await cleanup()
      }
    },
  )
})

describe("database blob store: chunks stored before migration 5", () => {
  it("read without a chunk hash, and a whole read still verifies them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verify-legacy-"))
    dirs.push(dir)
    const file = join(dir, "store.db")
    const store = await openStore(`sqlite:${file}`, { blobStorage: "database" })
    try {
      const ref = await store.artifacts.put(content)
      const db = new Database(file)
      db.prepare("UPDATE blob_chunks SET sha256 = NULL").run()
      db.close()
      expect(await readRange(store, ref.handle, FLIP_AT, FLIP_AT + 10)).toEqual(
        content.subarray(FLIP_AT, FLIP_AT + 10),
      )
      const whole = Buffer.from(await store.artifacts.get(ref.handle))
      expect(whole.equals(content)).toBe(true)
      const target = await sqliteTargetFor(file)
      await target(ref.sha256, FLIP_AT)
      expect(await failure(() => store.artifacts.get(ref.handle))).toMatchObject(integrity)
    } finally {
      await store.close()
    }
  })
})

describe("filesystem blob store: whole-blob reads are verified", () => {
  it("a flipped byte fails get, a whole stream and a grep to the end with IntegrityError", async () => {
    const { store, handle, cleanup } = await flipped(fsTarget)
    try {
      expect(await failure(() => store.artifacts.get(handle))).toMatchObject(integrity)
      expect(await failure(() => readRange(store, handle, 0, content.length))).toMatchObject(
        integrity,
      )
      const grep = { kind: "grep" as const, pattern: "no such line" }
      expect(await failure(() => store.artifacts.drilldown(handle, grep))).toMatchObject(integrity)
    } finally {
      await cleanup()
    }
  })
})
