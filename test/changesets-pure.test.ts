import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { diffFile } from "../src/changesets/diff.js"
import { sha256 } from "../src/changesets/fs-safe.js"
import { diffLines, splitLines } from "../src/changesets/myers.js"
import { netChanges } from "../src/changesets/net.js"
import { normalizePath } from "../src/changesets/paths.js"
import { summarizeChanges } from "../src/changesets/summarize.js"
import type { ChangeContent, ChangeRef } from "../src/changesets/types.js"
import { formatUnified } from "../src/changesets/unified.js"
import { isAgentStoreError } from "../src/core/errors.js"

const enc = (s: string) => Buffer.from(s)

describe("changeset paths", () => {
  it("normalises to relative POSIX form", () => {
    expect(normalizePath("p", "./src//a.ts")).toBe("src/a.ts")
    expect(normalizePath("p", "a/./b/")).toBe("a/b")
    expect(normalizePath("p", "dir with space/é.txt")).toBe("dir with space/é.txt")
  })
  it.each([
    "",
    ".",
    "./",
    "/etc/passwd",
    "../x",
    "a/../../x",
    "a/..",
    "%2e%2e/x",
    "%2E%2e%2fx",
    "a%2fb",
    "..\\x",
    "a\\b",
    "C:x",
    "c:/x",
    "a\u0000b",
    "a\nb",
    "\ud800",
    "x".repeat(5000),
    `${"y".repeat(256)}/z`,
  ])("rejects %j with ValidationError", (path) => {
    let error: unknown
    try {
      normalizePath("path", path)
    } catch (e) {
      error = e
    }
    expect(isAgentStoreError(error, "VALIDATION")).toBe(true)
  })
  it("rejects non-strings", () => {
    expect(() => normalizePath("p", 5)).toThrow(/relative path/)
  })
})

describe("line diff", () => {
  it("finds a shortest edit script", () => {
    const a = splitLines("a\nb\nc\nd\n")
    const b = splitLines("a\nx\nc\nd\ny\n")
    const edits = diffLines(a, b)
    expect(edits.filter((e) => e.kind !== "equal")).toHaveLength(3)
    expect(edits.filter((e) => e.kind !== "add").map((e) => e.line)).toEqual(a)
    expect(edits.filter((e) => e.kind !== "remove").map((e) => e.line)).toEqual(b)
  })
  it("falls back to remove-all then add-all past the size guard, still a valid script", () => {
    const a = Array.from({ length: 6000 }, (_, i) => `a${i}\n`)
    const b = Array.from({ length: 6000 }, (_, i) => `b${i}\n`)
    const edits = diffLines(["same\n", ...a], ["same\n", ...b])
    expect(edits.filter((e) => e.kind !== "add").map((e) => e.line)).toEqual(["same\n", ...a])
    expect(edits.filter((e) => e.kind !== "remove").map((e) => e.line)).toEqual(["same\n", ...b])
    expect(edits.findIndex((e) => e.kind === "add")).toBe(6001)
  })
  it("keeps a missing final newline as a difference", () => {
    expect(splitLines("a\nb")).toEqual(["a\n", "b"])
    expect(splitLines("")).toEqual([])
    expect(diffLines(["a\n", "b"], ["a\n", "b\n"]).map((e) => e.kind)).toEqual([
      "equal",
      "remove",
      "add",
    ])
  })
})

function change(
  partial: Partial<ChangeContent> & Pick<ChangeContent, "path" | "op">,
): ChangeContent {
  const before = partial.before ?? null
  const after = partial.after ?? null
  return {
    oldPath: null,
    mode: null,
    before,
    after,
    beforeSha256: before && sha256(before),
    afterSha256: after && sha256(after),
    ...partial,
  }
}

describe("unified and structured diff", () => {
  const lines = (n: number, edit?: number) =>
    Array.from({ length: n }, (_, i) => (i === edit ? "changed" : `line ${i + 1}`)).join("\n") +
    "\n"
  const changes = [
    change({ path: "new.txt", op: "create", after: enc("one\ntwo\n"), mode: 0o755 }),
    change({ path: "gone.txt", op: "delete", before: enc("bye\n") }),
    change({ path: "mod.txt", op: "modify", before: enc(lines(30)), after: enc(lines(30, 14)) }),
    change({
      path: "to.txt",
      op: "rename",
      oldPath: "from.txt",
      before: enc("same\nold\n"),
      after: enc("same\nnew"),
    }),
    change({
      path: "img.bin",
      op: "modify",
      before: Buffer.from([0, 1, 2]),
      after: Buffer.from([0, 1, 3]),
    }),
  ]

  it("numbers lines on both sides", () => {
    const file = diffFile(changes[2] as ChangeContent)
    expect(file.hunks).toHaveLength(1)
    const hunk = file.hunks[0]
    expect(hunk).toMatchObject({ oldStart: 12, oldLines: 7, newStart: 12, newLines: 7 })
    expect(hunk?.lines.find((l) => l.kind === "remove")).toMatchObject({
      text: "line 15",
      oldLine: 15,
      newLine: null,
    })
    expect(hunk?.lines.find((l) => l.kind === "add")).toMatchObject({
      text: "changed",
      oldLine: null,
      newLine: 15,
    })
    expect(file).toMatchObject({ added: 1, removed: 1, binary: false })
  })

  it("writes mode changes and pure renames with headers only", () => {
    const text = formatUnified([
      diffFile(
        change({
          path: "x.sh",
          op: "modify",
          before: enc("a\n"),
          after: enc("a\n"),
          oldMode: 0o644,
          mode: 0o755,
        }),
      ),
      diffFile(
        change({
          path: "n.txt",
          op: "rename",
          oldPath: "o.txt",
          before: enc("a\n"),
          after: enc("a\n"),
        }),
      ),
    ])
    expect(text).toBe(
      "diff --git a/x.sh b/x.sh\nold mode 100644\nnew mode 100755\n" +
        "diff --git a/o.txt b/n.txt\nrename from o.txt\nrename to n.txt\n",
    )
  })

  it("names binary files without dumping them", () => {
    const text = formatUnified([diffFile(changes[4] as ChangeContent)])
    expect(text).toBe(
      "diff --git a/img.bin b/img.bin\nBinary files a/img.bin and b/img.bin differ\n",
    )
  })

  it("writes git-style headers that git apply accepts", () => {
    const dir = mkdtempSync(join(tmpdir(), "agentstore-diff-"))
    try {
      for (const c of changes) {
        if (c.op !== "create" && c.before && !c.path.endsWith(".bin")) {
          writeFileSync(join(dir, c.oldPath ?? c.path), c.before)
        }
      }
      const text = formatUnified(changes.slice(0, 4).map(diffFile))
      expect(text).toContain("new file mode 100755\n")
      expect(text).toContain("deleted file mode 100644\n")
      expect(text).toContain("rename from from.txt\nrename to to.txt\n")
      expect(text).toContain("\\ No newline at end of file\n")
      writeFileSync(join(dir, "patch.diff"), text)
      execFileSync("git", ["apply", "--unsafe-paths", "patch.diff"], { cwd: dir })
      expect(readFileSync(join(dir, "new.txt"), "utf8")).toBe("one\ntwo\n")
      expect(readFileSync(join(dir, "to.txt"), "utf8")).toBe("same\nnew")
      expect(readFileSync(join(dir, "mod.txt"), "utf8")).toBe(lines(30, 14))
      expect(() => readFileSync(join(dir, "gone.txt"))).toThrow()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("summarizes counts by op, lines and bytes", () => {
    const s = summarizeChanges(changes)
    expect(s.byOp).toEqual({ create: 1, modify: 2, delete: 1, rename: 1 })
    expect(s).toMatchObject({
      files: 5,
      linesAdded: 2 + 1 + 1,
      linesRemoved: 1 + 1 + 1,
      binaryFiles: 1,
    })
    expect(s.bytesAfter).toBe(8 + 0 + lines(30, 14).length + 8 + 3)
  })
})

const ref = (
  path: string,
  op: ChangeRef["op"],
  before: string | null,
  after: string | null,
  oldPath: string | null = null,
): ChangeRef => ({
  path,
  op,
  oldPath,
  beforeSha256: before,
  afterSha256: after,
  mode: null,
})

describe("net changes", () => {
  it("collapses edits to first-before → last-after", () => {
    expect(netChanges([ref("a", "modify", "1", "2"), ref("a", "modify", "2", "3")])).toEqual([
      ref("a", "modify", "1", "3"),
    ])
    expect(netChanges([ref("a", "create", null, "1"), ref("a", "modify", "1", "2")])).toEqual([
      ref("a", "create", null, "2"),
    ])
  })
  it("drops a create later deleted, and an edit that is undone", () => {
    expect(netChanges([ref("a", "create", null, "1"), ref("a", "delete", "1", null)])).toEqual([])
    expect(netChanges([ref("a", "modify", "1", "2"), ref("a", "modify", "2", "1")])).toEqual([])
  })
  it("turns delete then create into a modify", () => {
    expect(netChanges([ref("a", "delete", "1", null), ref("a", "create", null, "2")])).toEqual([
      ref("a", "modify", "1", "2"),
    ])
  })
  it("follows rename chains", () => {
    const chain = [
      ref("b", "rename", "1", "1", "a"),
      ref("b", "modify", "1", "2"),
      ref("c", "rename", "2", "2", "b"),
    ]
    expect(netChanges(chain)).toEqual([ref("c", "rename", "1", "2", "a")])
    expect(
      netChanges([ref("b", "rename", "1", "1", "a"), ref("a", "rename", "1", "1", "b")]),
    ).toEqual([])
    expect(netChanges([ref("b", "rename", "1", "1", "a"), ref("b", "delete", "1", null)])).toEqual([
      ref("a", "delete", "1", null),
    ])
  })
})
