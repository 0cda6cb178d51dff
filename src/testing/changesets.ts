import { describe, expect, it } from "vitest"
import { sha256 } from "../changesets/fs-safe.js"
import type { ChangeInput } from "../changesets/plan-types.js"
import { at, type ConformanceTarget, expectError, rand, useFixture } from "./harness.js"

/** Changeset paths that must be refused (S5): traversal, absolute, encoded, backslash, NUL. */
export const HOSTILE_PATHS: readonly string[] = [
  "../x",
  "a/../../x",
  "/etc/passwd",
  "%2e%2e/x",
  "%2E%2E%2Fx",
  "..\\x",
  "a\\b",
  "C:\\x",
  "a\u0000b",
  "",
  ".",
]

/** Plans and change entries: lifecycle, recording, entries, summary and diff. */
export function changesetsTests(target: ConformanceTarget): void {
  describe("changesets: plans and entries", () => {
    const fx = useFixture(target)

    it("creates, gets and lists plans; executing → ready", async () => {
      const { store, clock } = fx.get()
      const s = await store.sessions.create({ agent: "a" })
      const p = await store.plans.create({
        sessionId: s.id,
        title: "Fix the bug",
        workspace: "repo",
      })
      expect(p).toMatchObject({
        sessionId: s.id,
        title: "Fix the bug",
        workspace: "repo",
        status: "executing",
      })
      expect(p).toMatchObject({ createdAt: at(0), finishedAt: null })
      expect(Object.keys(p).sort()).toEqual([
        "createdAt",
        "finishedAt",
        "halfApplied",
        "id",
        "sessionId",
        "status",
        "title",
        "updatedAt",
        "workspace",
      ])
      clock.advance(10)
      const q = await store.plans.create({ title: "other" })
      expect(await store.plans.get(p.id)).toEqual(p)
      expect((await store.plans.list()).items.map((x) => x.id)).toEqual([q.id, p.id])
      expect((await store.plans.list({ sessionId: s.id })).items.map((x) => x.id)).toEqual([p.id])
      const page = await store.plans.list({ limit: 1, order: "asc" })
      expect(page.items.map((x) => x.id)).toEqual([p.id])
      const next = await store.plans.list({
        limit: 1,
        order: "asc",
        cursor: page.nextCursor as string,
      })
      expect(next.items.map((x) => x.id)).toEqual([q.id])
      expect((await store.plans.markReady(p.id)).status).toBe("ready")
      expect((await store.plans.list({ status: "ready" })).items.map((x) => x.id)).toEqual([p.id])
      await expectError(store.plans.create({ title: "" }), "VALIDATION", "title")
      await expectError(
        store.plans.create({ title: "t", sessionId: rand("none") }),
        "VALIDATION",
        "sessionId",
      )
      await expectError(store.plans.get(rand("none")), "NOT_FOUND")
      await expectError(store.withNamespace(rand("ns")).plans.get(p.id), "NOT_FOUND")
    })

    it("records changes in order, contents in the blob store by hash", async () => {
      const { store } = fx.get()
      const p = await store.plans.create({ title: "t" })
      const tool = await store.tools.start({ tool: "write_file", planId: p.id })
      const [c1] = await store.plans.record(p.id, {
        path: "./src//a.ts",
        op: "create",
        after: "one\n",
        mode: 0o755,
        toolInvocationId: tool.id,
      })
      expect(c1).toMatchObject({
        seq: 1,
        path: "src/a.ts",
        op: "create",
        beforeSha256: null,
        afterSize: 4,
      })
      expect(c1).toMatchObject({
        afterSha256: sha256("one\n"),
        mode: 0o755,
        toolInvocationId: tool.id,
      })
      expect(c1).not.toHaveProperty("changesetId")
      const batch = await store.plans.record(p.id, [
        { path: "src/a.ts", op: "modify", before: "one\n", after: new Uint8Array([0, 1]) },
        { path: "b.txt", op: "rename", oldPath: "old.txt", before: "B" },
        { path: "c.txt", op: "delete", beforeSha256: sha256("one\n") },
      ])
      expect(batch.map((c) => c.seq)).toEqual([2, 3, 4])
      expect(batch[1]).toMatchObject({ oldPath: "old.txt", afterSha256: sha256("B") })
      expect(Buffer.from(await store.blobs.get(sha256("B"))).toString()).toBe("B")
      expect((await store.plans.entries({ planId: p.id })).map((c) => c.seq)).toEqual([1, 2, 3, 4])
      expect(
        (await store.plans.entries({ planId: p.id, path: "src/a.ts" })).map((c) => c.seq),
      ).toEqual([1, 2])
      expect(
        (await store.plans.entries({ planId: p.id, path: "old.txt" })).map((c) => c.seq),
      ).toEqual([3])
      await store.plans.markReady(p.id)
      await expectError(
        store.plans.record(p.id, { path: "x", op: "create", after: "x" }),
        "CONFLICT",
      )
    })

    it("refuses hostile paths and malformed changes, recording nothing", async () => {
      const { store } = fx.get()
      const p = await store.plans.create({ title: "t" })
      for (const path of HOSTILE_PATHS) {
        await expectError(
          store.plans.record(p.id, { path, op: "create", after: "x" }),
          "VALIDATION",
        )
        await expectError(
          store.plans.record(p.id, { path: "ok", oldPath: path, op: "rename", before: "x" }),
          "VALIDATION",
        )
      }
      const bad: ChangeInput[] = [
        { path: "a", op: "create", before: "x", after: "y" },
        { path: "a", op: "modify", after: "y" },
        { path: "a", op: "delete", before: "x", after: "y" },
        { path: "a", op: "rename", before: "x" },
        { path: "a", op: "rename", oldPath: "a", before: "x" },
        { path: "a", op: "create", oldPath: "b", after: "x" },
        { path: "a", op: "create", after: "x", mode: -1 },
        { path: "a", op: "create", afterSha256: "0".repeat(64) },
        { path: "a", op: "create", after: "x", afterSha256: sha256("x") },
        { path: "a", op: "move" as "create", after: "x" },
      ]
      for (const change of bad)
        await expectError(
          store.plans.record(p.id, [{ path: "ok", op: "create", after: "1" }, change]),
          "VALIDATION",
        )
      expect(await store.plans.entries({ planId: p.id })).toEqual([])
    })

    it("summarizes and diffs the net changes", async () => {
      const { store } = fx.get()
      const p = await store.plans.create({ title: "t" })
      await store.plans.record(p.id, [
        { path: "a.txt", op: "modify", before: "1\n2\n3\n", after: "1\nx\n3\n" },
        { path: "a.txt", op: "modify", before: "1\nx\n3\n", after: "1\nx\n3\n4\n" },
        { path: "tmp.txt", op: "create", after: "scratch\n" },
        { path: "tmp.txt", op: "delete", before: "scratch\n" },
        { path: "new.txt", op: "create", after: "n\n" },
        { path: "bin.dat", op: "create", after: new Uint8Array([0, 255]) },
      ])
      expect(await store.plans.summarize(p.id)).toMatchObject({
        files: 3,
        byOp: { create: 2, modify: 1, delete: 0, rename: 0 },
        linesAdded: 3,
        linesRemoved: 1,
        binaryFiles: 1,
      })
      const text = await store.plans.diff(p.id)
      expect(text).toContain(
        "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,4 @@\n 1\n-2\n+x\n 3\n+4\n",
      )
      expect(text).toContain(
        "diff --git a/bin.dat b/bin.dat\nnew file mode 100644\nBinary files /dev/null and b/bin.dat differ\n",
      )
      expect(text).not.toContain("tmp.txt")
      const files = await store.plans.diff(p.id, { format: "structured", paths: ["new.txt"] })
      expect(files).toHaveLength(1)
      expect(files[0]?.hunks[0]?.lines).toEqual([
        { kind: "add", text: "n", oldLine: null, newLine: 1, noNewlineAtEnd: false },
      ])
      await expectError(
        store.plans.diff(p.id, { format: "html" as "unified" }),
        "VALIDATION",
        "format",
      )
    })
  })
}
