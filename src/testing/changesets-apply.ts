import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { sha256 } from "../changesets/fs-safe.js"
import { setFaultHook } from "../core/fault-points.js"
import type { Store } from "../core/store.js"
import { type ConformanceTarget, expectError, useFixture } from "./harness.js"

/** Applying, cancelling and failing plans; blobs kept or collected. */
export function changesetsApplyTests(target: ConformanceTarget): void {
  describe("changesets: apply and cancel", () => {
    const fx = useFixture(target)
    let dir = ""
    let ws = ""
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "agentstore-plan-"))
      ws = join(dir, "ws")
      mkdirSync(ws)
      writeFileSync(join(ws, "a.txt"), "A\n")
      writeFileSync(join(ws, "b.txt"), "B\n")
    })
    afterEach(() => rmSync(dir, { recursive: true, force: true }))
    const read = (path: string) => readFileSync(join(ws, path), "utf8")

    async function readyPlan(store: Store, extra = "") {
      const p = await store.plans.create({ title: "t" })
      await store.plans.record(p.id, [
        { path: "a.txt", op: "modify", before: "A\n", after: `A2${extra}\n` },
        { path: "b.txt", op: "delete", before: "B\n" },
        { path: "src/c.txt", op: "create", after: `C${extra}\n` },
      ])
      return store.plans.markReady(p.id)
    }

    it("dry-runs, applies, marks applied, and refuses to apply twice", async () => {
      const { store, clock } = fx.get()
      const p = await readyPlan(store)
      const dry = await store.plans.apply(p.id, ws, { dryRun: true })
      expect(dry).toMatchObject({ dryRun: true, applied: false, conflicts: [] })
      expect(dry.entries.map((e) => e.path)).toEqual(["a.txt", "b.txt", "src/c.txt"])
      expect(read("a.txt")).toBe("A\n")
      clock.advance(5)
      const done = await store.plans.apply(p.id, ws)
      expect(done.plan).toMatchObject({
        status: "applied",
        finishedAt: new Date(clock()).toISOString(),
      })
      expect([read("a.txt"), existsSync(join(ws, "b.txt")), read("src/c.txt")]).toEqual([
        "A2\n",
        false,
        "C\n",
      ])
      await expectError(store.plans.apply(p.id, ws), "CONFLICT")
      await expectError(store.plans.cancel(p.id), "CONFLICT")
    })

    it("an interrupted apply shows as half-applied in get and list until apply runs again", async () => {
      const { store } = fx.get()
      const p = await readyPlan(store)
      const other = await store.plans.create({ title: "untouched" })
      expect(await store.plans.get(p.id)).toMatchObject({ status: "ready", halfApplied: false })
      setFaultHook((point) => {
        if (point === "apply:finish") throw new Error("killed before finishing")
      })
      await expect(store.plans.apply(p.id, ws))
        .rejects.toThrow("killed")
        .finally(() => setFaultHook())
      expect(await store.plans.get(p.id)).toMatchObject({ status: "ready", halfApplied: true })
      const half = await store.plans.list({ halfApplied: true })
      expect(half.items.map((x) => x.id)).toEqual([p.id])
      const whole = await store.plans.list({ halfApplied: false })
      expect(whole.items.map((x) => x.id)).toEqual([other.id])
      await expectError(store.plans.cancel(p.id), "CONFLICT")
      const done = await store.plans.apply(p.id, ws)
      expect(done).toMatchObject({ resumed: true, plan: { status: "applied", halfApplied: false } })
      expect((await store.plans.list({ halfApplied: true })).items).toEqual([])
      expect(read("a.txt")).toBe("A2\n")
    })

    it("refuses a drifted workspace listing every path, applies with force", async () => {
      const { store } = fx.get()
      const p = await readyPlan(store)
      writeFileSync(join(ws, "a.txt"), "edited\n")
      mkdirSync(join(ws, "src"))
      writeFileSync(join(ws, "src/c.txt"), "exists\n")
      const error = await expectError(store.plans.apply(p.id, ws), "CONFLICT")
      expect(error.details.paths).toEqual(["a.txt", "src/c.txt"])
      expect((await store.plans.get(p.id)).status).toBe("ready")
      await store.plans.apply(p.id, ws, { force: true })
      expect(read("a.txt")).toBe("A2\n")
    })

    it("refuses symlinked and outside targets (S5), writing nothing outside", async () => {
      const { store } = fx.get()
      const outside = join(dir, "outside")
      mkdirSync(outside)
      symlinkSync(outside, join(ws, "src"))
      const p = await readyPlan(store)
      await expectError(store.plans.apply(p.id, ws), "VALIDATION")
      await expectError(store.plans.apply(p.id, ws, { force: true }), "VALIDATION")
      expect(existsSync(join(outside, "c.txt"))).toBe(false)
      expect(read("a.txt")).toBe("A\n")
      await expectError(store.plans.apply(p.id, join(dir, "missing")), "VALIDATION")
    })

    it("cancel removes entries and the blobs only they referenced; tool records stay", async () => {
      const { store, backend } = fx.get()
      const keep = await readyPlan(store, "shared")
      const p = await readyPlan(store, "shared")
      const tool = await store.tools.start({ tool: "edit", planId: p.id })
      await store.plans.record((await store.plans.create({ title: "x" })).id, {
        path: "o",
        op: "create",
        after: "other",
      })
      const only = await store.plans.create({ title: "only" })
      await store.plans.record(only.id, [{ path: "u.txt", op: "create", after: "unique bytes" }])
      const { plan, removed } = await store.plans.cancel(only.id)
      expect(plan.status).toBe("cancelled")
      expect(removed).toEqual({ changes: 1, blobs: [sha256("unique bytes")], bytesFreed: 12 })
      expect(await store.blobs.has(sha256("unique bytes"))).toBe(false)
      const second = await store.plans.cancel(p.id)
      expect(second.removed).toMatchObject({ changes: 3, blobs: [] })
      expect(await store.plans.entries({ planId: p.id })).toEqual([])
      expect(await store.blobs.has(sha256("A2shared\n"))).toBe(true)
      expect((await store.tools.get(tool.id)).planId).toBe(p.id)
      const kept = [sha256("Cshared\n"), sha256("other"), sha256("unique bytes")]
      expect(await backend.unreferencedBlobs(kept)).toEqual([sha256("unique bytes")])
      await store.artifacts.put("artifact bytes")
      const art = await store.plans.create({ title: "art" })
      await store.plans.record(art.id, { path: "x", op: "create", after: "artifact bytes" })
      expect((await store.plans.cancel(art.id)).removed.blobs).toEqual([])
      await store.artifacts.gc({ graceMs: 0 })
      for (const sha of [sha256("Cshared\n"), sha256("other"), sha256("artifact bytes")]) {
        expect(await store.blobs.has(sha)).toBe(true)
      }
      await store.plans.apply(keep.id, ws)
      expect(read("src/c.txt")).toBe("Cshared\n")
    })

    it("a failed write restores the workspace, marks the plan failed and removes its entries", async () => {
      const { store } = fx.get()
      const p = await readyPlan(store, "fail")
      setFaultHook((point) => {
        if (point === "apply:write:2") mkdirSync(join(ws, "src/c.txt"), { recursive: true })
      })
      const error = await expectError(store.plans.apply(p.id, ws), "INTERNAL").finally(() =>
        setFaultHook(),
      )
      expect(error.details.removed).toMatchObject({ changes: 3 })
      rmSync(join(ws, "src"), { recursive: true })
      expect([read("a.txt"), read("b.txt")]).toEqual(["A\n", "B\n"])
      expect((await store.plans.get(p.id)).status).toBe("failed")
      expect(await store.plans.entries({ planId: p.id })).toEqual([])
      expect(await store.blobs.has(sha256("A2fail\n"))).toBe(false)
    })
  })
}
