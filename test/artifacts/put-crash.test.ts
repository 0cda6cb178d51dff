import { spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import Database from "better-sqlite3"
import { afterAll, describe, expect, it } from "vitest"
import { openStore } from "../../src/index.js"

const dist = pathToFileURL(join(import.meta.dirname, "..", "..", "dist", "index.js")).href
const scratch = mkdtempSync(join(tmpdir(), "put-crash-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A child process that puts one artifact; `AGENTSTORE_CRASH_AT` kills it at a step. */
const CHILD = `
const { openStore } = await import(process.argv[1])
const store = await openStore(process.argv[2], { blobStorage: process.argv[3] })
const big = Buffer.alloc(3 * 1024 * 1024 + 17, process.argv[4])
await store.artifacts.put(big, { handle: "victim" })
await store.close()
`

function putInChild(url: string, storage: string, fill: string, crashAt?: string) {
  return spawnSync(
    process.execPath,
    ["--input-type=module", "-e", CHILD, dist, url, storage, fill],
    {
      env: { ...process.env, ...(crashAt ? { AGENTSTORE_CRASH_AT: crashAt } : {}) },
      encoding: "utf8",
    },
  )
}

const STEPS = {
  fs: [
    "blob:after-temp-write",
    "blob:after-rename",
    "artifact:before-ref-insert",
    "artifact:after-ref-insert",
  ],
  database: ["blob:after-chunks", "artifact:before-ref-insert", "artifact:after-ref-insert"],
} as const

describe.each(["fs", "database"] as const)(
  "R2: an artifact put killed at each step (%s blobs)",
  (storage) => {
    it.each(STEPS[storage])("killed at %s: no dangling ref, leftovers collected", async (step) => {
      const dir = mkdtempSync(join(scratch, "store-"))
      const before = await openStore(dir, { blobStorage: storage })
      const survivor = await before.artifacts.put("acknowledged before the crash", {
        handle: "kept",
      })
      await before.close()

      const child = putInChild(dir, storage, step.length.toString(36), step)
      expect(child.signal, child.stderr).toBe("SIGKILL")

      const store = await openStore(dir, { blobStorage: storage })
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
        if (storage === "fs") expect(readdirSync(join(dir, "blobs", "tmp"))).toEqual([])
        else {
          const db = new Database(join(dir, "store.db"), { readonly: true })
          expect(db.prepare("SELECT count(*) FROM blobs WHERE sha256 IS NULL").pluck().get()).toBe(
            0,
          )
          expect(
            db
              .prepare(
                "SELECT count(*) FROM blob_chunks WHERE blob_id NOT IN (SELECT id FROM blobs)",
              )
              .pluck()
              .get(),
          ).toBe(0)
          db.close()
        }
      } finally {
        await store.close()
      }

      const retry = putInChild(dir, storage, step.length.toString(36))
      expect(retry.status, retry.stderr).toBe(0)
      const reopened = await openStore(dir, { blobStorage: storage })
      expect((await reopened.artifacts.head("victim")).size).toBe(3 * 1024 * 1024 + 17)
      await reopened.close()
    })
  },
)
