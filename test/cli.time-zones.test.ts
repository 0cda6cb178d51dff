import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { agentstore } from "./support/cli.js"

let dir: string
let firstEventTime: string
const TOKYO = { TZ: "Asia/Tokyo" }
const run = (args: string[], env: Record<string, string> = {}) =>
  agentstore(args, { cwd: dir, env })

/** `YYYY-MM-DD HH:MM:SS` of an ISO time shifted by `hours`. */
function wall(iso: string, hours = 0): string {
  const shifted = new Date(Date.parse(iso) + hours * 3_600_000).toISOString()
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`
}

const QUERY = ["events", "query", "--session", "demo-coder-1", "--limit", "1"]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agentstore-cli-tz-"))
  expect((await run(["demo"])).code).toBe(0)
  const page = JSON.parse((await run(["--json", ...QUERY])).stdout)
  firstEventTime = page.events[0].time
  expect(firstEventTime).toMatch(/Z$/)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("times name their zone; --local and AGENTSTORE_TZ choose another", () => {
  it("by default a table's time column says UTC, whatever the system zone is", async () => {
    const r = await run(QUERY, TOKYO)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^CURSOR\s+TIME \(UTC\)\s+KIND/)
    expect(r.stdout).toContain(wall(firstEventTime))
  })

  it("--local shows the system's zone (TZ=Asia/Tokyo) and names it", async () => {
    const r = await run(["--local", ...QUERY], TOKYO)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^CURSOR\s+TIME \(Asia\/Tokyo\)\s+KIND/)
    expect(r.stdout).toContain(wall(firstEventTime, 9))
    expect(r.stdout).not.toContain(wall(firstEventTime))
  })

  it("AGENTSTORE_TZ=local, an IANA zone, or UTC", async () => {
    const local = await run(QUERY, { ...TOKYO, AGENTSTORE_TZ: "local" })
    expect(local.stdout).toContain("TIME (Asia/Tokyo)")
    expect(local.stdout).toContain(wall(firstEventTime, 9))
    const named = await run(QUERY, { AGENTSTORE_TZ: "Asia/Tokyo" })
    expect(named.stdout).toContain(wall(firstEventTime, 9))
    const utc = await run(QUERY, { ...TOKYO, AGENTSTORE_TZ: "UTC" })
    expect(utc.stdout).toContain("TIME (UTC)")
    expect(utc.stdout).toContain(wall(firstEventTime))
  })

  it("a zone that does not exist is a usage error naming AGENTSTORE_TZ", async () => {
    const r = await run(QUERY, { AGENTSTORE_TZ: "Mars/Olympus" })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/error VALIDATION: AGENTSTORE_TZ: .*Mars\/Olympus/)
    expect(r.stdout).toBe("")
  })

  it("single values and summaries carry the zone too; JSON stays ISO with Z", async () => {
    const show = await run(["--local", "sessions", "show", "demo-coder-1"], TOKYO)
    expect(show.stdout).toMatch(/created:\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d Asia\/Tokyo \(/)
    const summary = await run(["events", "summary"], TOKYO)
    expect(summary.stdout).toMatch(/→ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n/)
    const tools = await run(["tools", "list"], TOKYO)
    expect(tools.stdout).toMatch(/STARTED \(UTC\)/)
    const json = JSON.parse((await run(["--local", "--json", ...QUERY], TOKYO)).stdout)
    expect(json.events[0].time).toBe(firstEventTime)
  })
})
