import { spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "..")
const dist = join(root, "dist")
const scratch = mkdtempSync(join(tmpdir(), "agentstore-dist-hooks-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** The environment variables the published code may read: none of them injects faults. */
/** The documented variables: store, namespace, retention policy, CLI pager and zone, demo clock. */
const ALLOWED_ENV = [
  "AGENTSTORE_DEMO_TIME",
  "AGENTSTORE_NAMESPACE",
  "AGENTSTORE_PAGER",
  "AGENTSTORE_RETENTION",
  "AGENTSTORE_TZ",
  "AGENTSTORE_URL",
]
/** Every step name the R2 tests kill at, under the variable the old hook read. */
const OLD_STEPS = [
  "blob:after-temp-write",
  "blob:after-rename",
  "blob:after-chunks",
  "artifact:before-ref-insert",
  "artifact:after-ref-insert",
]

const PUT = `
const { openStore } = await import(process.argv[1])
for (const blobStorage of ["fs", "database"]) {
  const store = await openStore(process.argv[2] + "-" + blobStorage, { blobStorage })
  await store.artifacts.put(Buffer.alloc(70000, "x"), { handle: "h" })
  await store.close()
}
process.stdout.write("stored")
`

function distFiles(): string[] {
  return readdirSync(dist, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"))
}

describe("the published dist/ carries no crash hook reachable from outside", () => {
  it("reads no AGENTSTORE_* variable but the documented ones, and never sends SIGKILL", () => {
    const files = distFiles()
    expect(files.length).toBeGreaterThan(50)
    const names = new Set<string>()
    for (const file of files) {
      const text = readFileSync(join(dist, file), "utf8")
      for (const m of text.matchAll(/AGENTSTORE_[A-Z_]+/g)) names.add(m[0])
      expect(text, file).not.toMatch(/SIGKILL/)
    }
    expect([...names].sort()).toEqual(ALLOWED_ENV)
  })

  it.each(OLD_STEPS)("AGENTSTORE_CRASH_AT=%s does not stop a put", (step) => {
    const url = join(scratch, step.replace(/[^a-z]/g, "-"))
    const child = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", PUT, join(dist, "index.js"), url],
      { env: { ...process.env, AGENTSTORE_CRASH_AT: step }, encoding: "utf8" },
    )
    expect(child.signal, child.stderr).toBeNull()
    expect(child.stdout, child.stderr).toBe("stored")
  })

  it("the fault-point module is not importable through the package's exports", () => {
    const child = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", 'await import("agentstore/dist/core/fault-points.js")'],
      { cwd: root, encoding: "utf8" },
    )
    expect(child.status).not.toBe(0)
    expect(child.stderr).toContain("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
