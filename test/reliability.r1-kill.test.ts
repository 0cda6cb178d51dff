import { setTimeout as sleep } from "node:timers/promises"
import { describe, expect, it } from "vitest"
import { openStore } from "../src/index.js"
import {
  type Child,
  runSeed,
  seededRandom,
  sizeFromEnv,
  soak,
  startChild,
} from "./support/children.js"
import { type ProcessTarget, processTargets } from "./support/process-targets.js"

// R1 (docs/reliability.md): writers appending keyed events are SIGKILLed at random moments and
// restarted from their last acknowledged key. CI: 50 kills; `npm run soak`: 1,000.
const WRITERS = 4
const KILLS = sizeFromEnv("AGENTSTORE_R1_KILLS", 50, 1000)
const seed = runSeed()

interface Writer {
  id: number
  child?: Child | undefined
  /** Highest index whose append was acknowledged, -1 before the first. */
  acked: number
  ackedSinceStart: number
  onPaused?: (() => void) | undefined
  cursors: Map<number, string>
}

interface Stats {
  kills: number
  killsBeforeAck: number
  foundStored: number
  unexpected: string[]
}

const newStats = (): Stats => ({
  kills: 0,
  /** Kills made while the writer held a committed event it had not acknowledged yet. */
  killsBeforeAck: 0,
  foundStored: 0,
  unexpected: [],
})

function start(run: Run, writer: Writer): void {
  const { stats, random } = run
  writer.ackedSinceStart = 0
  const args = [
    run.target.url,
    String(writer.id),
    String(writer.acked + 1),
    String(Math.floor(random() * 2 ** 31)),
  ]
  const child = startChild("r1-writer.mjs", args, (line) => {
    const [tag, last, cursors, found] = line.split(" ")
    if (tag === "paused") writer.onPaused?.()
    if (tag !== "ack") return
    const list = (cursors ?? "").split(",")
    const first = Number(last) - list.length + 1
    if (first !== writer.acked + 1)
      stats.unexpected.push(`w${writer.id}: ack of ${first} after ${writer.acked}`)
    for (const [k, cursor] of list.entries()) writer.cursors.set(first + k, cursor)
    writer.acked = Number(last)
    writer.ackedSinceStart++
    stats.foundStored += Number(found)
  })
  writer.child = child
  void child.closed.then(({ code, signal }) => {
    if (writer.child === child && signal !== "SIGKILL") {
      stats.unexpected.push(`w${writer.id} exited by itself (${code ?? signal}): ${child.stderr()}`)
    }
  })
}

/** A random writer among those appending now (after their restart); waits for one. */
async function pick({ writers, random, stats }: Run): Promise<Writer> {
  for (;;) {
    const busy = writers.filter((w) => w.ackedSinceStart > 0)
    if (busy.length > 0) return busy[Math.floor(random() * busy.length)] as Writer
    if (stats.unexpected.length > 0) return writers[0] as Writer
    await sleep(5)
  }
}

/** Asks the writer to stop right after its next commit, before the ack, and waits till it has. */
async function pauseAfterCommit(writer: Writer): Promise<void> {
  const child = writer.child as Child
  const paused = new Promise<void>((resolve) => {
    writer.onPaused = resolve
  })
  child.send("pause")
  await Promise.race([paused, child.closed])
  writer.onPaused = undefined
}

async function kill(writer: Writer): Promise<void> {
  const child = writer.child as Child
  child.process.kill("SIGKILL")
  await child.closed
}

/** One R1 run on one target. */
interface Run {
  target: ProcessTarget
  writers: Writer[]
  stats: Stats
  random: () => number
}

async function killAndRestart(run: Run): Promise<number> {
  const { writers, stats } = run
  const began = Date.now()
  for (const writer of writers) start(run, writer)
  for (let k = 0; k < KILLS; k++) {
    await sleep(20 + run.random() * 200)
    const writer = await pick(run)
    if (stats.unexpected.length > 0) break
    if (k % 5 === 4) {
      await pauseAfterCommit(writer)
      stats.killsBeforeAck++
    }
    await kill(writer)
    stats.kills++
    start(run, writer)
    if (soak && stats.kills % 100 === 0) {
      const seconds = ((Date.now() - began) / 1000).toFixed(0)
      console.log(
        `R1 ${run.target.name}: ${stats.kills} kills, ${stats.foundStored} found, ${seconds} s`,
      )
    }
  }
  while (writers.some((w) => w.ackedSinceStart === 0) && stats.unexpected.length === 0) {
    await sleep(5)
  }
  for (const writer of writers) {
    const child = writer.child as Child
    writer.child = undefined
    child.process.kill("SIGKILL")
    await child.closed
  }
  return (Date.now() - began) / 1000
}

describe.each(processTargets)(
  `R1 on $name: ${WRITERS} writers, ${KILLS} SIGKILLs (seed ${seed})`,
  (factory) => {
    it(
      "loses no acknowledged event, stores no duplicate, keeps per-writer order",
      { timeout: 60_000 + KILLS * 1000 },
      async () => {
        const target = await factory.open("r1")
        const writers: Writer[] = Array.from({ length: WRITERS }, (_, id) => ({
          id,
          acked: -1,
          ackedSinceStart: 0,
          cursors: new Map(),
        }))
        const run: Run = { target, writers, stats: newStats(), random: seededRandom(seed) }
        try {
          const seconds = await killAndRestart(run)
          const { stats } = run
          expect(stats.unexpected).toEqual([])
          const stored = await verify(run)
          console.log(
            `R1 ${target.name} seed ${seed}: ${stats.kills} kills (${stats.killsBeforeAck} between commit and ack), ` +
              `${stored} events stored, ${stats.foundStored} re-sends found already committed, ${seconds.toFixed(1)} s`,
          )
          expect(stats.kills).toBe(KILLS)
          expect(
            stats.foundStored,
            "re-sends that found their event stored",
          ).toBeGreaterThanOrEqual(stats.killsBeforeAck)
        } finally {
          await target.destroy()
        }
      },
    )
  },
)

/** Checks the stored log against the acknowledgements; returns how many events it holds. */
async function verify({ target, writers }: Run): Promise<number> {
  expect(await target.integrity()).toBe("ok")
  await settled(target)
  const rows = (await target.rows("SELECT cursor, id, agent FROM events ORDER BY cursor")).map(
    (row) => ({ cursor: String(row.cursor), id: String(row.id), agent: row.agent }),
  )
  const seen = new Map<number, number[]>(writers.map((w) => [w.id, []]))
  let previous = 0n
  for (const row of rows) {
    expect(BigInt(row.cursor) > previous, `cursor ${row.cursor} after ${previous}`).toBe(true)
    previous = BigInt(row.cursor)
    const match = /^w(\d+)-(\d{6})$/.exec(row.id)
    expect(match?.[0]).toBe(row.id)
    expect(row.agent).toBe(`w${match?.[1]}`)
    seen.get(Number(match?.[1]))?.push(Number(match?.[2]))
  }
  const cursors = new Map(rows.map((row) => [row.id, row.cursor]))
  for (const writer of writers) {
    const indexes = seen.get(writer.id) as number[]
    expect(indexes, `w${writer.id} keys contiguous, in cursor order, once each`).toEqual(
      indexes.map((_, i) => i),
    )
    expect(indexes.length, `w${writer.id} acknowledged events present`).toBeGreaterThan(
      writer.acked,
    )
    for (const [index, cursor] of writer.cursors) {
      expect(cursors.get(`w${writer.id}-${String(index).padStart(6, "0")}`)).toBe(cursor)
    }
  }
  await expectPagedReadMatches(
    target,
    rows.map((row) => row.cursor),
  )
  return rows.length
}

/**
 * Waits until the log stops changing. A killed client's COMMIT may still be running on the
 * PostgreSQL server (queued behind the namespace counter row), so an unacknowledged event can
 * commit after the kill; what counts is that the final log holds every acknowledged one.
 */
async function settled(target: ProcessTarget): Promise<void> {
  const state = async () =>
    JSON.stringify(await target.rows("SELECT count(*) AS n, max(cursor) AS c FROM events"))
  let last = await state()
  for (let same = 0; same < 2; ) {
    await sleep(300)
    const next = await state()
    same = next === last ? same + 1 : 0
    last = next
  }
}

/** Reading the log through the store, page by page, gives every cursor once, ascending. */
async function expectPagedReadMatches(target: ProcessTarget, cursors: string[]): Promise<void> {
  await using store = await openStore(target.url)
  const read: string[] = []
  let after: string | undefined
  for (;;) {
    const page = await store.events.query({ limit: 1000, ...(after ? { after } : {}) })
    read.push(...page.events.map((e) => e.cursor))
    if (!page.nextCursor) break
    after = page.nextCursor
  }
  expect(read).toEqual(cursors)
}
