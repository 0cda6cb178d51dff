import { createHash } from "node:crypto"
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { openStore } from "../../src/index.js"

const sha = (text: string) => createHash("sha256").update(text).digest("hex")
const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

/** A store directory next to an "outside" directory holding a secret file. */
async function setup() {
  const base = mkdtempSync(join(tmpdir(), "s5-"))
  const outside = join(base, "outside")
  mkdirSync(outside)
  writeFileSync(join(outside, "secret"), "top secret")
  const store = await openStore(join(base, "store"))
  cleanup.push(() => rmSync(base, { recursive: true, force: true }))
  cleanup.push(() => store.close())
  return { base, outside, blobs: join(base, "store", "blobs"), store }
}

/** Every path under `dir` with its content (files) or link target, for before/after comparison. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name)
      const key = relative(dir, path)
      if (entry.isDirectory()) {
        out[key] = "dir"
        walk(path)
      } else if (entry.isFile()) out[key] = `${readFileSync(path, "hex")}@${statSync(path).mtimeMs}`
      else out[key] = "other"
    }
  }
  walk(dir)
  return out
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return "ok"
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  }
}

async function drain(iterable: AsyncIterable<unknown>) {
  for await (const _ of iterable) {
    // read everything
  }
}

const HANDLES = [
  "../x",
  "../../etc/passwd",
  "/etc/passwd",
  "%2e%2e",
  "%2e%2e%2fsecret",
  "..%2fsecret",
  "a\\..\\b",
  "..\\secret",
  "a\u0000b",
  "secret\u0000",
  "x/../../secret",
  "．．",
  ".",
  "..",
  "",
]

describe("S5: path traversal through artifact handles and blob addresses", () => {
  it("rejects every hostile handle on every call and touches nothing outside", async () => {
    const { base, store } = await setup()
    const before = snapshot(base)
    const calls = (h: string) => [
      store.artifacts.put("x", { handle: h }),
      store.artifacts.head(h),
      store.artifacts.get(h),
      store.artifacts.text(h),
      store.artifacts.delete(h),
      store.artifacts.drilldown(h, { kind: "bytes", offset: 0, length: 10 }),
      drain(store.artifacts.stream(h)),
    ]
    for (const handle of HANDLES) {
      for (const call of calls(handle))
        expect([handle, await code(call)]).toEqual([handle, "VALIDATION"])
    }
    for (const address of [
      "../secret",
      "/etc/passwd",
      `${"a".repeat(62)}/.`,
      "..%2f",
      "A".repeat(64),
    ]) {
      expect(await code(store.blobs.get(address))).toBe("VALIDATION")
      expect(await code(store.blobs.has(address))).toBe("VALIDATION")
      expect(await code(store.blobs.delete(address))).toBe("VALIDATION")
      expect(await code(drain(store.blobs.stream(address)))).toBe("VALIDATION")
    }
    expect(snapshot(base)).toEqual(before)
  })
})

describe("S5: symlinks inside the blob root are never followed", () => {
  const content = "payload"
  const h = sha(content)
  const [a, b] = [h.slice(0, 2), h.slice(2, 4)]

  const plants: [string, (ctx: Awaited<ReturnType<typeof setup>>) => void][] = [
    [
      "first shard directory → outside",
      ({ blobs, outside }) => symlinkSync(outside, join(blobs, a)),
    ],
    [
      "second shard directory → outside",
      ({ blobs, outside }) => {
        mkdirSync(join(blobs, a))
        symlinkSync(outside, join(blobs, a, b))
      },
    ],
    [
      "blob file (last component) → an outside file",
      ({ blobs, outside }) => {
        mkdirSync(join(blobs, a, b), { recursive: true })
        symlinkSync(join(outside, "secret"), join(blobs, a, b, h))
      },
    ],
    [
      "blob file → dangling target outside",
      ({ blobs, outside }) => {
        mkdirSync(join(blobs, a, b), { recursive: true })
        symlinkSync(join(outside, "created-by-follow"), join(blobs, a, b, h))
      },
    ],
    [
      "shard directory → dangling target outside",
      ({ blobs, outside }) => symlinkSync(join(outside, "made-dir"), join(blobs, a)),
    ],
    [
      "temp directory → outside",
      ({ blobs, outside }) => {
        rmSync(join(blobs, "tmp"), { recursive: true, force: true })
        symlinkSync(outside, join(blobs, "tmp"))
      },
    ],
  ]

  it.each(plants)("%s: put, get, stream, delete and gc refuse or skip it", async (_name, plant) => {
    const ctx = await setup()
    const { base, outside, store } = ctx
    plant(ctx)
    utimesSync(join(outside, "secret"), new Date(1000), new Date(1000))
    const before = snapshot(outside)
    const put = await code(store.artifacts.put(content, { handle: "p" }))
    expect(put).toBe("INTEGRITY")
    for (const result of [
      await code(store.blobs.get(h)),
      await code(drain(store.blobs.stream(h))),
      await code(store.blobs.stat(h)),
    ]) {
      expect(["INTEGRITY", "NOT_FOUND", "ok"]).toContain(result)
    }
    const got = await store.blobs.get(h).catch(() => undefined)
    if (got) expect(Buffer.from(got).toString()).toBe(content)
    await code(store.blobs.delete(h))
    await store.artifacts.delete("p").catch(() => undefined)
    await code(store.artifacts.gc({ graceMs: 0 }))
    expect(snapshot(outside)).toEqual(before)
    expect(existsSync(join(outside, "created-by-follow"))).toBe(false)
    expect(existsSync(join(outside, "made-dir"))).toBe(false)
    expect(readFileSync(join(outside, "secret"), "utf8")).toBe("top secret")
    expect(existsSync(join(base, "store", "store.db"))).toBe(true)
  })
})
