import { spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import Database from "better-sqlite3"
import { afterAll, describe, expect, it } from "vitest"
import { openStore } from "../../src/index.js"
import { adminQuery, dropSchema, freshSchema, PG_URL, pgAvailable } from "../support/postgres.js"

const dist = pathToFileURL(join(import.meta.dirname, "..", "..", "dist", "index.js")).href
const scratch = mkdtempSync(join(tmpdir(), "put-crash-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
const SIZE = 3 * 1024 * 1024 + 17

/**
 * A child process that puts one artifact and SIGKILLs itself at the fault point named in its
 * last argument, through the test-only hook module of dist/ (the package reads no variable).
 */
const CHILD = `
const [index, url, storage, crashAt] = process.argv.slice(1)
const { setFaultHook } = await import(new URL("core/fault-points.js", index).href)
setFaultHook((point) => { if (point === crashAt) process.kill(process.pid, "SIGKILL") })
const { openStore } = await import(index)
const store = await openStore(url, { blobStorage: storage })
await store.artifacts.put(Buffer.alloc(${SIZE}, "x"), { handle: "victim" })
await store.close()
`

function putInChild(url: string, storage: string, crashAt = "") {
  return spawnSync(
    process.execPath,
    ["--input-type=module", "-e", CHILD, dist, url, storage, crashAt],
    { encoding: "utf8" },
  )
}

interface Target {
  storage: "fs" | "database"
  steps: string[]
  /** A fresh store location, and a function that removes it. */
  create(): Promise<{ url: string; drop(): Promise<void> }>
  /** Asserts that no leftover of an interrupted put survived gc. */
  noLeftovers(url: string): Promise<void>
}

const FS_STEPS = ["blob:after-temp-write", "blob:after-rename"]
const DB_STEPS = ["blob:after-chunks"]
const REF_STEPS = ["artifact:before-ref-insert", "artifact:after-ref-insert"]
const sqliteDir = async () => ({ url: mkdtempSync(join(scratch, "store-")), drop: async () => {} })

const TARGETS: [string, Target, boolean][] = [
  [
    "SQLite, filesystem blobs",
    {
      storage: "fs",
      steps: [...FS_STEPS, ...REF_STEPS],
      create: sqliteDir,
      async noLeftovers(url) {
        expect(readdirSync(join(url, "blobs", "tmp"))).toEqual([])
      },
    },
    true,
  ],
  [
    "SQLite, database blobs",
    {
      storage: "database",
      steps: [...DB_STEPS, ...REF_STEPS],
      create: sqliteDir,
      async noLeftovers(url) {
        const db = new Database(join(url, "store.db"), { readonly: true })
        try {
          expect(db.prepare("SELECT count(*) FROM blobs WHERE sha256 IS NULL").pluck().get()).toBe(
            0,
          )
          expect(db.prepare("SELECT count(*) FROM blob_chunks").pluck().get()).toBe(
            db
              .prepare("SELECT coalesce(sum((size + chunk_size - 1) / chunk_size), 0) FROM blobs")
              .pluck()
              .get(),
          )
        } finally {
          db.close()
        }
      },
    },
    true,
  ],
  [
    "PostgreSQL, database blobs",
    {
      storage: "database",
      steps: [...DB_STEPS, ...REF_STEPS],
      async create() {
        const schema = freshSchema()
        const url = new URL(PG_URL)
        url.searchParams.set("schema", schema)
        return { url: url.toString(), drop: () => dropSchema(schema) }
      },
      async noLeftovers(url) {
        const schema = new URL(url).searchParams.get("schema")
        const pending = await adminQuery(
          `SELECT count(*)::int AS n FROM "${schema}".blobs WHERE sha256 IS NULL`,
        )
        expect(pending.rows[0].n).toBe(0)
        const orphans = await adminQuery(
          `SELECT count(*)::int AS n FROM "${schema}".blob_chunks c
            WHERE NOT EXISTS (SELECT 1 FROM "${schema}".blobs b WHERE b.id = c.blob_id AND b.sha256 IS NOT NULL)`,
        )
        expect(orphans.rows[0].n).toBe(0)
      },
    },
    pgAvailable,
  ],
]

describe.each(TARGETS)(
  "R2: an artifact put killed at each step (%s)",
  (_name, target, available) => {
    it.skipIf(!available).each(target.steps)(
      available
        ? "killed at %s: no dangling ref, leftovers collected"
        : "killed at %s (the PostgreSQL test server is unreachable)",
      async (step) => {
        const { url, drop } = await target.create()
        try {
          const before = await openStore(url, { blobStorage: target.storage })
          const survivor = await before.artifacts.put("acknowledged before the crash", {
            handle: "kept",
          })
          await before.close()

          const child = putInChild(url, target.storage, step)
          expect(child.signal, child.stderr).toBe("SIGKILL")

          const store = await openStore(url, { blobStorage: target.storage })
          try {
            const after = step === "artifact:after-ref-insert"
            const refs = (await store.artifacts.list()).items
            expect(refs.map((r) => r.handle).sort()).toEqual(after ? ["kept", "victim"] : ["kept"])
            for (const ref of refs)
              expect((await store.artifacts.get(ref.handle)).byteLength).toBe(ref.size)
            expect(await store.artifacts.text("kept")).toBe("acknowledged before the crash")

            await store.artifacts.gc({ graceMs: 0 })
            const blobs: string[] = []
            for await (const entry of store.blobs.list()) blobs.push(entry.sha256)
            expect(blobs.sort()).toEqual(refs.map((r) => r.sha256).sort())
            expect(blobs).toContain(survivor.sha256)
            await target.noLeftovers(url)
          } finally {
            await store.close()
          }

          const retry = putInChild(url, target.storage)
          expect(retry.status, retry.stderr).toBe(0)
          const reopened = await openStore(url, { blobStorage: target.storage })
          expect((await reopened.artifacts.head("victim")).size).toBe(SIZE)
          await reopened.close()
        } finally {
          await drop()
        }
      },
    )
  },
)
