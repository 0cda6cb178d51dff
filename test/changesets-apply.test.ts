import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { applyChanges } from "../src/changesets/apply.js"
import { compareSnapshots, snapshotWorkspace } from "../src/changesets/capture.js"
import { fileJournal } from "../src/changesets/journal.js"
import { isAgentStoreError } from "../src/core/errors.js"
import { setFaultHook } from "../src/core/fault-points.js"
import { memoryContent, readTree, refOf, writeTree } from "./support/workspace.js"

let base: string
let ws: string
let outside: string
const journalPath = () => join(base, "journal.json")

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), "agentstore-apply-"))
  ws = join(base, "ws")
  outside = join(base, "outside")
  mkdirSync(ws)
  mkdirSync(outside)
  writeTree(ws, { "a.txt": "A\n", "b.txt": "B\n", "dir/c.txt": "C\n" })
  writeTree(outside, { "secret.txt": "S\n" })
})
afterEach(() => rmSync(base, { recursive: true, force: true }))

function setup() {
  const { source, hash } = memoryContent()
  const opts = (extra = {}) => ({ content: source, journal: fileJournal(journalPath()), ...extra })
  return { hash, opts }
}

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise
  } catch (error) {
    return isAgentStoreError(error) ? error.code : String(error)
  }
  return undefined
}

describe("apply", () => {
  it("creates, modifies, deletes and renames, with modes", async () => {
    const { hash, opts } = setup()
    const changes = [
      refOf(hash, "a.txt", "modify", "A\n", "A2\n"),
      refOf(hash, "b.txt", "delete", "B\n", null),
      refOf(hash, "new/deep/x.sh", "create", null, "#!/bin/sh\n", null, 0o755),
      refOf(hash, "dir/d.txt", "rename", "C\n", "C2\n", "dir/c.txt"),
    ]
    const report = await applyChanges(ws, changes, opts())
    expect(report).toMatchObject({ applied: true, conflicts: [] })
    expect(readTree(ws)).toEqual({
      "a.txt": "A2\n",
      "dir/d.txt": "C2\n",
      "new/deep/x.sh": "#!/bin/sh\n",
    })
    expect(statSync(join(ws, "new/deep/x.sh")).mode & 0o777).toBe(0o755)
    expect(existsSync(journalPath())).toBe(false)
  })

  it("dry run reports conflicts and touches nothing; apply refuses listing every path; force applies", async () => {
    const { hash, opts } = setup()
    writeFileSync(join(ws, "a.txt"), "edited by someone\n")
    const changes = [
      refOf(hash, "a.txt", "modify", "A\n", "A2\n"),
      refOf(hash, "b.txt", "modify", "B\n", "B2\n"),
      refOf(hash, "dir/c.txt", "create", null, "C2\n"),
    ]
    const before = readTree(ws)
    const dry = await applyChanges(ws, changes, opts({ dryRun: true }))
    expect(dry).toMatchObject({ dryRun: true, applied: false, conflicts: ["a.txt", "dir/c.txt"] })
    expect(readTree(ws)).toEqual(before)
    const error = await applyChanges(ws, changes, opts()).catch((e) => e)
    expect(error.code).toBe("CONFLICT")
    expect(error.details.paths).toEqual(["a.txt", "dir/c.txt"])
    expect(readTree(ws)).toEqual(before)
    await applyChanges(ws, changes, opts({ force: true }))
    expect(readTree(ws)).toEqual({ "a.txt": "A2\n", "b.txt": "B2\n", "dir/c.txt": "C2\n" })
  })

  it("restores every file already changed when a write fails", async () => {
    const { hash, opts } = setup()
    const changes = [
      refOf(hash, "a.txt", "modify", "A\n", "A2\n"),
      refOf(hash, "b.txt", "delete", "B\n", null),
      refOf(hash, "made/x.txt", "create", null, "X\n"),
      refOf(hash, "z.txt", "create", null, "Z\n"),
    ]
    const before = readTree(ws)
    setFaultHook((point) => {
      if (point === "apply:write:3") mkdirSync(join(ws, "z.txt"))
    })
    const error = await applyChanges(ws, changes, opts())
      .catch((e) => e)
      .finally(() => setFaultHook())
    expect(error).toBeInstanceOf(Error)
    rmSync(join(ws, "z.txt"), { recursive: true })
    expect(readTree(ws)).toEqual(before)
    expect(existsSync(join(ws, "made"))).toBe(false)
    expect(existsSync(journalPath())).toBe(false)
  })

  it("finishes an interrupted apply from its journal, collecting temp files", async () => {
    const { hash, opts } = setup()
    const changes = [
      refOf(hash, "a.txt", "modify", "A\n", "A2\n"),
      refOf(hash, "b.txt", "delete", "B\n", null),
      refOf(hash, "n/e.txt", "rename", "C\n", "C\n", "dir/c.txt"),
    ]
    await fileJournal(journalPath()).save({ workspace: realpathSync(ws), changes })
    writeTree(ws, { "a.txt": "A2\n", ".agentstore-tmp-0011223344556677": "half" })
    await expect(applyChanges(ws, [], opts())).rejects.toMatchObject({ code: "INTEGRITY" })
    await expect(applyChanges(ws, changes.slice(1), opts())).rejects.toMatchObject({
      code: "INTEGRITY",
    })
    expect(readTree(ws)).toMatchObject({ "b.txt": "B\n" })
    const report = await applyChanges(ws, changes, opts())
    expect(report).toMatchObject({ applied: true, resumed: true })
    expect(readTree(ws)).toEqual({ "a.txt": "A2\n", "n/e.txt": "C\n" })
    expect(existsSync(journalPath())).toBe(false)
  })
})

describe("S5: apply targets", () => {
  const attempts: [string, () => void, string][] = [
    ["symlinked parent directory", () => symlinkSync(outside, join(ws, "link")), "link/secret.txt"],
    [
      "symlink as last component",
      () => symlinkSync(join(outside, "secret.txt"), join(ws, "s.txt")),
      "s.txt",
    ],
    [
      "dangling symlink as last component",
      () => symlinkSync(join(outside, "nope.txt"), join(ws, "d.txt")),
      "d.txt",
    ],
    [
      "dangling symlinked parent",
      () => symlinkSync(join(outside, "nodir"), join(ws, "nd")),
      "nd/x.txt",
    ],
    ["relative symlink out", () => symlinkSync("../outside", join(ws, "rel")), "rel/secret.txt"],
  ]
  it.each(attempts)("refuses a %s for create, modify and delete", async (_name, make, path) => {
    make()
    const { hash, opts } = setup()
    const outsideBefore = readTree(outside)
    for (const change of [
      refOf(hash, path, "create", null, "pwned\n"),
      refOf(hash, path, "modify", "S\n", "pwned\n"),
      refOf(hash, path, "delete", "S\n", null),
      refOf(hash, "moved.txt", "rename", "S\n", "S\n", path),
    ]) {
      for (const extra of [{}, { force: true }, { dryRun: true }]) {
        expect(await code(applyChanges(ws, [change], opts(extra)))).toBe("VALIDATION")
      }
    }
    expect(readTree(outside)).toEqual(outsideBefore)
    expect(existsSync(join(outside, "nope.txt"))).toBe(false)
    expect(existsSync(join(outside, "nodir"))).toBe(false)
    expect(existsSync(join(ws, "moved.txt"))).toBe(false)
  })

  it.each([
    "../outside/secret.txt",
    "/etc/passwd",
    "%2e%2e/outside/x",
    "..\\outside\\x",
    "a\u0000b",
    "./a.txt",
    "dir//c.txt",
    "",
  ])("refuses the path %j", async (path) => {
    const { hash, opts } = setup()
    const outsideBefore = readTree(outside)
    expect(
      await code(applyChanges(ws, [refOf(hash, path, "create", null, "x")], opts({ force: true }))),
    ).toBe("VALIDATION")
    expect(readTree(outside)).toEqual(outsideBefore)
    expect(readTree(base, ["ws", "outside"])).toEqual({})
  })

  it("refuses a workspace that does not exist or is a file", async () => {
    const { hash, opts } = setup()
    expect(
      await code(
        applyChanges(join(base, "missing"), [refOf(hash, "x", "create", null, "x")], opts()),
      ),
    ).toBe("VALIDATION")
    expect(
      await code(applyChanges(join(ws, "a.txt"), [refOf(hash, "x", "create", null, "x")], opts())),
    ).toBe("VALIDATION")
    expect(existsSync(join(base, "missing"))).toBe(false)
  })
})

describe("capture", () => {
  it("records creates, modifies, deletes and renames; skips .git, symlinks and big files", async () => {
    writeTree(ws, { ".git/HEAD": "ref\n", "big.bin": Buffer.alloc(2048) })
    symlinkSync(outside, join(ws, "out"))
    const before = await snapshotWorkspace(ws, { maxFileBytes: 1024 })
    writeTree(ws, {
      "a.txt": "A2\n",
      "new.txt": "N\n",
      "moved/c.txt": "C\n",
      ".git/HEAD": "other\n",
      "big.bin": Buffer.alloc(4096),
    })
    rmSync(join(ws, "b.txt"))
    rmSync(join(ws, "dir/c.txt"))
    const after = await snapshotWorkspace(ws, { maxFileBytes: 1024 })
    expect(before.skipped).toEqual(["big.bin"])
    const changes = compareSnapshots(before, after)
    expect(changes.map((c) => [c.op, c.path, c.oldPath ?? null])).toEqual([
      ["modify", "a.txt", null],
      ["delete", "b.txt", null],
      ["rename", "moved/c.txt", "dir/c.txt"],
      ["create", "new.txt", null],
    ])
    await expect(snapshotWorkspace(ws, { maxTotalBytes: 10 })).rejects.toThrow(/more than 10 bytes/)
  })
})
