import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, expect, it } from "vitest"
import { setFaultHook } from "../src/core/fault-points.js"
import { openStore } from "../src/index.js"
import { agentstore } from "./support/cli.js"

let dir: string
const run = (...args: string[]) => agentstore(args, { cwd: dir })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-plan-"))
  mkdirSync(join(dir, "ws", "src"), { recursive: true })
  writeFileSync(join(dir, "ws", "src", "a.txt"), "a\nb\nc\n")
  writeFileSync(join(dir, "ws", "README.md"), "old\n")
  const store = await openStore(join(dir, ".agentstore"))
  for (const id of ["p1", "p2"]) {
    await store.plans.create({ id, title: `Plan ${id}`, workspace: "ws" })
    await store.plans.record(id, [
      { path: "src/a.txt", op: "modify", before: "a\nb\nc\n", after: "a\nB\nc\nd\n" },
      { path: "src/new.ts", op: "create", after: "export const x = 1\n" },
      { path: "README.md", op: "delete", before: "old\n" },
    ])
    await store.plans.markReady(id)
  }
  await store.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it("plan list/status/diff/apply/cancel in new processes against what an earlier one recorded", async () => {
  const list = JSON.parse((await run("--json", "plan", "list")).stdout)
  expect(list.items.map((p: { id: string }) => p.id).sort()).toEqual(["p1", "p2"])
  const status = await run("plan", "status", "p1")
  expect(status.stdout).toContain("files:      3 (1 create, 1 modify, 1 delete)")
  expect(status.stdout).toContain("lines:      +3 -2")
  const diff = await run("plan", "diff", "p1", "--path", "src/a.txt")
  expect(diff.stdout).toBe(
    "diff --git a/src/a.txt b/src/a.txt\n--- a/src/a.txt\n+++ b/src/a.txt\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n",
  )
  const stat = await run("plan", "diff", "p1", "--stat")
  expect(stat.stdout.split("\n")[0]).toMatch(/^OP\s+PATH\s+ADDED\s+REMOVED$/)
  expect(stat.stdout).toMatch(/modify\s+src\/a\.txt\s+\+2\s+-1/)
  expect((await run("plan", "apply", "p1")).code).toBe(2)
  const dry = await run("plan", "apply", "p1", "--workspace", "ws", "--dry-run")
  expect(dry.stdout).toContain("dry run: 3 changes, 0 conflicts; nothing written")
  expect(readFileSync(join(dir, "ws", "src", "a.txt"), "utf8")).toBe("a\nb\nc\n")
  const applied = await run("plan", "apply", "p1", "--workspace", "ws")
  expect(applied).toMatchObject({ code: 0 })
  expect(readFileSync(join(dir, "ws", "src", "a.txt"), "utf8")).toBe("a\nB\nc\nd\n")
  const conflict = await run("plan", "apply", "p2", "--workspace", "ws")
  expect(conflict.code).toBe(4)
  const cancelled = await run("plan", "cancel", "p2", "--yes")
  expect(cancelled.stdout).toMatch(/^cancelled plan p2: removed 3 changes/)
  expect(JSON.parse((await run("--json", "plan", "status", "p2")).stdout).plan.status).toBe(
    "cancelled",
  )
  expect((await run("plan", "status", "nope")).code).toBe(3)
})

it("plan list and plan status say a plan is half-applied, and the hint finishes it", async () => {
  const store = await openStore(join(dir, ".agentstore"))
  await store.plans.create({ id: "p3", title: "Plan p3", workspace: "ws" })
  await store.plans.record("p3", [{ path: "half.txt", op: "create", after: "done\n" }])
  await store.plans.markReady("p3")
  setFaultHook((point) => {
    if (point === "apply:finish") throw new Error("killed before finishing")
  })
  await expect(store.plans.apply("p3", join(dir, "ws")))
    .rejects.toThrow("killed")
    .finally(() => setFaultHook())
  await store.close()
  const list = await run("plan", "list")
  expect(list.stdout).toMatch(/p3\s+ready \(half-applied\)/)
  const half = JSON.parse((await run("--json", "plan", "list", "--half-applied")).stdout)
  expect(
    half.items.map((p: { id: string; halfApplied: boolean }) => [p.id, p.halfApplied]),
  ).toEqual([["p3", true]])
  const status = await run("plan", "status", "p3")
  expect(status.stdout).toContain("status:     ready (half-applied)")
  const hint = /run `agentstore (plan apply p3 --workspace <dir>)` again to finish it/.exec(
    status.stdout,
  )
  expect(hint).not.toBeNull()
  const finished = await run("plan", "apply", "p3", "--workspace", "ws")
  expect(finished.code).toBe(0)
  expect(readFileSync(join(dir, "ws", "half.txt"), "utf8")).toBe("done\n")
  expect((await run("plan", "status", "p3")).stdout).toContain("status:     applied\n")
})
