import { type ChildProcess, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { type Event, openStore } from "../src/index.js"
import { take } from "../src/testing/subscribe.js"
import { describePg, dropSchema, freshSchema, PG_URL } from "./support/postgres.js"

const CHILD = join(import.meta.dirname, "support", "tail-child.mjs")
const dir = mkdtempSync(join(tmpdir(), "agentstore-tail-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A child process whose stdout lines are awaited one by one. */
function child(args: string[]) {
  const proc: ChildProcess = spawn(process.execPath, [CHILD, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  })
  const lines: string[] = []
  let stderr = ""
  const waiters: (() => void)[] = []
  let buffered = ""
  proc.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8")
    const parts = buffered.split("\n")
    buffered = parts.pop() ?? ""
    lines.push(...parts)
    for (const wake of waiters.splice(0)) wake()
  })
  proc.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8")
  })
  const exited = new Promise<number | null>((resolve) => proc.on("exit", resolve))
  void exited.then(() => {
    for (const wake of waiters.splice(0)) wake()
  })
  let finished = false
  void exited.then(() => {
    finished = true
  })
  return {
    lines,
    /** Waits until the child has printed `n` lines; fails on exit or after 60 s. */
    async until(n: number): Promise<string[]> {
      const deadline = Date.now() + 60_000
      while (lines.length < n) {
        if (finished) throw new Error(`child exited after ${lines.length} lines: ${stderr}`)
        if (Date.now() > deadline) throw new Error(`child printed ${lines.length} of ${n} lines`)
        await new Promise<void>((resolve) => {
          waiters.push(resolve)
          setTimeout(resolve, 1000)
        })
      }
      return lines.slice(0, n)
    },
    async exit(): Promise<number | null> {
      return exited
    },
  }
}

const ids = (events: Event[]) => events.map((e) => e.id)

/** Both directions against the store at `url`; namespaces are unique to each call. */
function crossProcessTests(url: string): void {
  const ns = (name: string) => `${name}-${randomBytes(4).toString("hex")}`

  it("a subscriber here sees every event two writer processes append, once, in cursor order", async () => {
    await using store = await openStore(url, { namespace: ns("procs") })
    const seeded = await store.events.appendMany(
      Array.from({ length: 200 }, (_, i) => ({ kind: "seed", data: i })),
    )
    // Small pages so the replay is still running while the writers commit; no idle re-reads:
    // only the backend's wake-ups can deliver the live part in time.
    await using sub = store.events.subscribe({}, { pageSize: 16, pollIntervalMs: 3_600_000 })
    const writers = [
      child(["append", url, store.namespace, "300", "3"]),
      child(["append", url, store.namespace, "200", "1"]),
    ]
    const got = await take(sub, 700, 60_000)
    for (const writer of writers) expect(await writer.exit()).toBe(0)
    expect(ids(got.slice(0, 200))).toEqual(ids(seeded))
    expect(ids(got)).toEqual(ids((await store.events.query({ limit: 1000 })).events))
    expect(new Set(ids(got)).size).toBe(700)
    const sentinel = await store.events.append({ kind: "sentinel" })
    expect(ids(await take(sub, 1))).toEqual([sentinel.id])
  })

  it("a subscriber in another process sees the events appended here as they commit", async () => {
    await using store = await openStore(url, { namespace: ns("follow") })
    const follower = child(["follow", url, store.namespace, "40"])
    await follower.until(1)
    const written: Event[] = []
    for (let i = 0; i < 20; i++) {
      written.push(...(await store.events.appendMany([{ kind: "a" }, { kind: "b" }])))
      await follower.until(1 + written.length)
    }
    expect(await follower.exit()).toBe(0)
    expect(follower.lines.slice(1)).toEqual(ids(written))
  })
}

describe("live tail across processes (sqlite file)", () => {
  crossProcessTests(`sqlite:${join(dir, "store.db")}`)
})

describePg("live tail across processes (postgres)", () => {
  const schema = freshSchema()
  const url = new URL(PG_URL)
  url.searchParams.set("schema", schema)
  afterAll(() => dropSchema(schema))
  crossProcessTests(url.toString())
})
