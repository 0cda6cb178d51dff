import { spawnSync } from "node:child_process"
import { cpSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openStore } from "../src/open.js"
import { readTree, writeTree } from "./support/workspace.js"

const child = join(import.meta.dirname, "children", "changesets-apply.mjs")
const BEFORE = { "a.txt": "A\n", "b.txt": "B\n", "d.txt": "D\n", "keep.txt": "K\n" }
const AFTER = {
  "a.txt": "A2\n",
  "deep/new/c.txt": "C\n",
  "keep.txt": "K\n",
  "moved/e.txt": "D2\n",
  "z.bin": "\u0000\u0001\u00ff",
}

function run(storeDir: string, planId: string, ws: string, killAt: number) {
  const out = spawnSync(process.execPath, [child, storeDir, planId, ws, String(killAt)], {
    encoding: "utf8",
  })
  return { signal: out.signal, stdout: out.stdout, stderr: out.stderr }
}

describe("R2: changeset apply killed at every step", () => {
  let dir = ""
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "agentstore-r2-apply-"))
    writeTree(join(dir, "base"), BEFORE)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  async function newPlan(storeDir: string): Promise<string> {
    const store = await openStore(storeDir)
    try {
      const plan = await store.plans.create({ title: "r2" })
      await store.plans.record(plan.id, [
        { path: "a.txt", op: "modify", before: "A\n", after: "A2\n" },
        { path: "b.txt", op: "delete", before: "B\n" },
        { path: "deep/new/c.txt", op: "create", after: "C\n" },
        { path: "moved/e.txt", op: "rename", oldPath: "d.txt", before: "D\n", after: "D2\n" },
        { path: "z.bin", op: "create", after: Buffer.from([0, 1, 255]) },
      ])
      await store.plans.markReady(plan.id)
      return plan.id
    } finally {
      await store.close()
    }
  }

  it("leaves the workspace exactly before or, once apply is re-run, exactly after", async () => {
    const storeDir = join(dir, "store")
    let steps = 0
    for (let killAt = 1; ; killAt++) {
      const ws = join(dir, `ws-${killAt}`)
      cpSync(join(dir, "base"), ws, { recursive: true })
      const planId = await newPlan(storeDir)
      const first = run(storeDir, planId, ws, killAt)
      if (first.signal === null) {
        expect(first.stdout, first.stderr).toContain("done fresh")
        steps = killAt - 1
        expect(readTree(ws)).toEqual(AFTER)
        break
      }
      expect(first.signal).toBe("SIGKILL")
      const journaled = killAt > 1
      if (!journaled) expect(readTree(ws)).toEqual(BEFORE)
      const second = run(storeDir, planId, ws, 0)
      expect(second.stdout, second.stderr).toContain(journaled ? "done resumed" : "done fresh")
      expect(readTree(ws), `killed at step ${killAt}`).toEqual(AFTER)
      const store = await openStore(storeDir)
      try {
        expect((await store.plans.get(planId)).status).toBe("applied")
        for (const entry of await store.plans.entries({ planId })) {
          for (const sha of [entry.beforeSha256, entry.afterSha256]) {
            if (sha) expect(await store.blobs.has(sha)).toBe(true)
          }
        }
      } finally {
        await store.close()
      }
    }
    expect(steps).toBe(12)
  })
})
