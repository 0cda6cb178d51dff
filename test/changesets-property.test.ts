import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import { createSqliteBackend } from "../src/backends/sqlite/index.js"
import type { ChangeInput } from "../src/changesets/plan-types.js"
import { createStore } from "../src/core/store.js"
import { readTree, writeTree } from "./support/workspace.js"

const PATHS = ["a.txt", "b.txt", "d/c.txt", "d/e/f.txt", "g.txt"]
const content = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc
    .array(fc.constantFrom("x", "y", "z\u0000", "é✓", ""), { maxLength: 12 })
    .map((l) => l.join("\n")),
  fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b).toString("latin1")),
)
const step = fc.record({
  kind: fc.nat(3),
  path: fc.constantFrom(...PATHS),
  to: fc.constantFrom(...PATHS),
  text: content,
})
const bytesOf = (s: string) => Buffer.from(s, "utf8")

/** Replays random edits on a model of the workspace, recording each as a change. */
function replay(
  base: Record<string, string>,
  steps: { kind: number; path: string; to: string; text: string }[],
) {
  const model = new Map(Object.entries(base))
  const changes: ChangeInput[] = []
  for (const s of steps) {
    const cur = model.get(s.path)
    if (cur === undefined) {
      if (s.kind === 3) continue
      model.set(s.path, s.text)
      changes.push({ path: s.path, op: "create", after: bytesOf(s.text) })
    } else if (s.kind === 0) {
      model.delete(s.path)
      changes.push({ path: s.path, op: "delete", before: bytesOf(cur) })
    } else if (s.kind === 1 && s.to !== s.path && !model.has(s.to)) {
      model.delete(s.path)
      model.set(s.to, s.text)
      changes.push({
        path: s.to,
        op: "rename",
        oldPath: s.path,
        before: bytesOf(cur),
        after: bytesOf(s.text),
      })
    } else {
      model.set(s.path, s.text)
      changes.push({ path: s.path, op: "modify", before: bytesOf(cur), after: bytesOf(s.text) })
    }
  }
  const sorted = [...model].sort(([x], [y]) => (x < y ? -1 : 1))
  return {
    model: Object.fromEntries(sorted.map(([p, t]) => [p, bytesOf(t).toString("latin1")])),
    changes,
  }
}

describe("property: applying a recorded changeset to its base yields the after-state", () => {
  const dir = mkdtempSync(join(tmpdir(), "agentstore-prop-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  let runs = 0

  it("holds for random create/modify/delete/rename sequences", async () => {
    const store = createStore(await createSqliteBackend({ path: ":memory:" }))
    const base = fc.dictionary(fc.constantFrom(...PATHS), content, { maxKeys: 4 })
    await fc.assert(
      fc.asyncProperty(
        base,
        fc.array(step, { minLength: 1, maxLength: 12 }),
        async (files, steps) => {
          const { model, changes } = replay(files, steps)
          const baseDir = join(dir, `base-${++runs}`)
          const ws = join(dir, `ws-${runs}`)
          mkdirSync(baseDir)
          writeTree(
            baseDir,
            Object.fromEntries(Object.entries(files).map(([p, t]) => [p, bytesOf(t)])),
          )
          cpSync(baseDir, ws, { recursive: true })
          const plan = await store.plans.create({ title: "prop" })
          if (changes.length > 0) await store.plans.record(plan.id, changes)
          await store.plans.markReady(plan.id)
          await store.plans.apply(plan.id, ws)
          expect(readTree(ws)).toEqual(model)
          rmSync(baseDir, { recursive: true })
          rmSync(ws, { recursive: true })
        },
      ),
      { numRuns: 60 },
    )
    await store.close()
  })
})
