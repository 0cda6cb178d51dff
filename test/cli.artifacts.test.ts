import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, expect, it } from "vitest"
import { agentstore } from "./support/cli.js"

let dir: string
const run = (...args: string[]) => agentstore(args, { cwd: dir })

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-art-"))
  writeFileSync(
    join(dir, "log.txt"),
    `${Array.from({ length: 50 }, (_, i) => `line ${i}`).join("\n")}\n`,
  )
  writeFileSync(join(dir, "obj.json"), '{"a":1,"b":[1,2],"c":"x"}')
  writeFileSync(join(dir, "rows.csv"), "id,name\n1,one\n2,two\n3,three\n")
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it("artifacts put/list/get/drill/gc through the built binary", async () => {
  expect((await run("artifacts", "put", "log.txt", "--handle", "run.log")).stdout).toMatch(
    /^stored run\.log \(390 B, sha256 [0-9a-f]{16}…\)\n$/,
  )
  expect((await run("artifacts", "put", "obj.json")).code).toBe(0)
  expect(
    (
      await agentstore(["artifacts", "put", "-", "--handle", "piped.txt"], {
        cwd: dir,
        input: "from stdin",
      })
    ).code,
  ).toBe(0)
  expect(
    (await run("artifacts", "put", "rows.csv", "--handle", "rows", "--label", "fixtures")).code,
  ).toBe(0)
  const list = JSON.parse((await run("--json", "artifacts", "list")).stdout)
  expect(list.items.map((a: { mediaType: string }) => a.mediaType).sort()).toEqual([
    "application/json",
    "application/octet-stream",
    "text/csv",
    "text/plain; charset=utf-8",
  ])
  expect((await run("artifacts", "drill", "run.log", "--lines", "10:13")).stdout).toBe(
    "line 10\nline 11\nline 12\n",
  )
  expect((await run("artifacts", "drill", "run.log", "--lines", "-2:")).stdout).toBe(
    "line 48\nline 49\n",
  )
  expect((await run("artifacts", "drill", "run.log", "--head", "6")).stdout).toBe("line 0\n")
  const keys = JSON.parse(
    (
      await run(
        "--json",
        "artifacts",
        "drill",
        list.items.find((a: { mediaType: string }) => a.mediaType === "application/json").handle,
        "--keys",
        "a,c",
      )
    ).stdout,
  )
  expect(keys.values).toEqual({ a: 1, c: "x" })
  expect((await run("artifacts", "drill", "rows", "--rows", "1:3")).stdout).toBe(
    '["1","one"]\n["2","two"]\n',
  )
  expect((await run("artifacts", "drill", "rows", "--rows", "1:3", "--header")).stdout).toBe(
    '{"id":"2","name":"two"}\n{"id":"3","name":"three"}\n',
  )
  expect((await run("artifacts", "drill", "run.log", "--grep", "line 4[25]$")).stdout).toBe(
    "42: line 42\n45: line 45\n",
  )
  expect((await run("artifacts", "drill", "run.log")).code).toBe(2)
  expect((await run("artifacts", "get", "piped.txt")).stdout).toBe("from stdin")
  await run("artifacts", "get", "run.log", "-o", "copy.txt")
  expect(readFileSync(join(dir, "copy.txt"), "utf8")).toBe(
    readFileSync(join(dir, "log.txt"), "utf8"),
  )
  expect((await run("artifacts", "get", "nope")).code).toBe(3)
  const gc = JSON.parse((await run("--json", "artifacts", "gc")).stdout)
  expect(gc.deleted).toBe(0)
})
