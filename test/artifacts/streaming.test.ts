import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

const dist = pathToFileURL(join(import.meta.dirname, "..", "..", "dist", "index.js")).href
const scratch = mkdtempSync(join(tmpdir(), "streaming-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const MIB = 1024 * 1024
/** The size streamed in CI (large enough that a buffering implementation would exceed the bound); the promise (RSS + < 64 MB) is for 1 GiB, run by hand with AGENTSTORE_STREAM_MIB=1024. */
const SIZE_MIB = Number(process.env.AGENTSTORE_STREAM_MIB ?? 128)

/**
 * In a fresh process: warm up, then put SIZE_MIB from a stream, stream it back (hashing) and drill
 * into its last lines, reporting the peak RSS growth (getrusage maxrss) over the warmed-up baseline.
 */
const CHILD = `
const { createHash } = await import("node:crypto")
const { openStore } = await import(process.argv[1])
const [url, storage, mib] = [process.argv[2], process.argv[3], Number(process.argv[4])]
const store = await openStore(url, { blobStorage: storage })
const line = Buffer.from("0123456789abcdef".repeat(4).slice(0, 63) + "\\n")
const chunk = Buffer.alloc(${MIB})
for (let i = 0; i < chunk.length; i += 64) line.copy(chunk, i)
async function* source(n) { for (let i = 0; i < n; i++) yield chunk }
await store.artifacts.put(source(2), { handle: "warm" })
const expected = createHash("sha256")
for (let i = 0; i < mib; i++) expected.update(chunk)
const baseline = process.resourceUsage().maxRSS * 1024
const ref = await store.artifacts.put(source(mib), { handle: "big" })
const hash = createHash("sha256")
let size = 0
for await (const part of store.artifacts.stream("big")) { hash.update(part); size += part.length }
const tail = await store.artifacts.drilldown("big", { kind: "lines", start: -2 })
const peak = process.resourceUsage().maxRSS * 1024
await store.close()
console.log(JSON.stringify({ sha: ref.sha256, expected: expected.digest("hex"), read: hash.digest("hex"), size, lines: tail.lines.length, growth: peak - baseline }))
`

describe("streaming: put and get raise peak RSS by less than 64 MB", () => {
  it.each(["fs", "database"])(`%s blob store, ${SIZE_MIB} MiB`, (storage) => {
    const dir = mkdtempSync(join(scratch, `${storage}-`))
    const child = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", CHILD, dist, dir, storage, String(SIZE_MIB)],
      { encoding: "utf8", maxBuffer: 1 << 20 },
    )
    expect(child.status, child.stderr).toBe(0)
    const result = JSON.parse(child.stdout)
    expect(result.sha).toBe(result.expected)
    expect(result.read).toBe(result.expected)
    expect(result.size).toBe(SIZE_MIB * MIB)
    expect(result.lines).toBe(2)
    expect(result.growth).toBeLessThan(64 * 1000 * 1000)
    console.log(
      `${storage}: peak RSS growth ${(result.growth / MIB).toFixed(1)} MiB for ${SIZE_MIB} MiB`,
    )
  })
})
