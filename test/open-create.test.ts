import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, expect, it } from "vitest"
import { NotFoundError, openStore } from "../src/index.js"

const dir = mkdtempSync(join(tmpdir(), "agentstore-open-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it("openStore(url, { create: false }) refuses a missing store, names it, creates nothing", async () => {
  for (const url of [join(dir, "missing", "deep"), `sqlite:${join(dir, "missing.db")}`]) {
    const error = await openStore(url, { create: false }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NotFoundError)
    expect((error as NotFoundError).message).toContain(join(dir, "missing"))
  }
  expect(existsSync(join(dir, "missing"))).toBe(false)
  expect(existsSync(join(dir, "missing.db"))).toBe(false)
  const made = await openStore(join(dir, "made"))
  await made.close()
  const again = await openStore(join(dir, "made"), { create: false })
  expect(again.namespace).toBe("default")
  await again.close()
})
