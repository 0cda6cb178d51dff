import { statSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { openStore } from "../src/index.js"
import { type Child, sizeFromEnv, soak, startChild } from "./support/children.js"
import { type ProcessTarget, processTargets } from "./support/process-targets.js"

// R3 (docs/reliability.md): many processes append to one store at once while readers tail it.
// CI: 8 × 2,000 appends on SQLite, 8 × 250 on PostgreSQL, 1 tailer; `npm run soak`: 8 × 5,000
// on each, 2 tailers.
const PROCESSES = 8
// PostgreSQL commits one append to the shared session at a time, each with its own WAL flush,
// so its CI size is smaller; the soak size is the same.
const APPENDS: Record<string, number> = {
  sqlite: sizeFromEnv("AGENTSTORE_R3_APPENDS", 2000, 5000),
  postgres: sizeFromEnv("AGENTSTORE_R3_PG_APPENDS", 250, 5000),
}
const TAILERS = soak ? 2 : 1
/** The WAL stays near the size where a connection truncates it (16 MiB); this bound is generous. */
const MAX_WAL_BYTES = 96 * 1024 * 1024

/** Samples the size of a SQLite store's WAL every 100 ms; `stop()` gives the largest seen. */
function walSampler(url: string): { stop(): number | undefined } {
  if (!url.startsWith("sqlite:")) return { stop: () => undefined }
  const wal = `${url.slice("sqlite:".length)}-wal`
  let largest = 0
  const sample = () => {
    try {
      largest = Math.max(largest, statSync(wal).size)
    } catch {
      // No WAL file at this moment.
    }
  }
  const timer = setInterval(sample, 100)
  return {
    stop() {
      clearInterval(timer)
      sample()
      return largest
    },
  }
}

interface TailSummary {
  events: number
  messages: number
  polls: number
  errors: string[]
  problems: string[]
}

/** Starts a child and resolves once it printed `ready`; `onLine` gets every later line. */
async function startReady(script: string, args: string[], onLine: (line: string) => void) {
  let ready: () => void = () => {}
  const isReady = new Promise<void>((resolve) => {
    ready = resolve
  })
  const child = startChild(script, args, (line) => (line === "ready" ? ready() : onLine(line)))
  await Promise.race([
    isReady,
    child.closed.then(() => {
      throw new Error(`${script} ended before it was ready: ${child.stderr()}`)
    }),
  ])
  return child
}

async function ended(child: Child): Promise<void> {
  const { code } = await child.closed
  if (code !== 0) throw new Error(`child exited with ${code}: ${child.stderr()}`)
}

const title = `R3 on %s: ${PROCESSES} processes appending, ${TAILERS} tailing`
describe.each(processTargets.map((t) => [t.name, t] as const))(title, (name, factory) => {
  const appends = APPENDS[name] ?? 2000
  const what = `${appends} appends each: no error reaches a caller, every row is present, sequences are gap-free`
  it(what, { timeout: 60_000 + appends * PROCESSES * 5 }, async () => {
    const target = await factory.open("r3")
    try {
      await contend(target, appends)
    } finally {
      await target.destroy()
    }
  })
})

async function contend(target: ProcessTarget, appends: number): Promise<void> {
  const setup = await openStore(target.url)
  const session = await setup.sessions.create({ agent: "r3", title: "shared" })
  await setup.close()

  const reports: string[] = []
  const tails: TailSummary[] = []
  const tailers = await Promise.all(
    Array.from({ length: TAILERS }, () =>
      startReady("r3-tailer.mjs", [target.url, session.id], (line) => tails.push(JSON.parse(line))),
    ),
  )
  const appenders = await Promise.all(
    Array.from({ length: PROCESSES }, (_, p) =>
      startReady("r3-appender.mjs", [target.url, String(p), String(appends), session.id], (line) =>
        reports.push(`p${p} ${line}`),
      ),
    ),
  )
  const began = Date.now()
  const wal = walSampler(target.url)
  for (const child of appenders) child.send("go")
  await Promise.all(appenders.map(ended))
  const seconds = (Date.now() - began) / 1000
  const largestWal = wal.stop()
  for (const child of tailers) child.send("stop")
  await Promise.all(tailers.map(ended))

  expect(reports.filter((line) => !/ done 0$/.test(line))).toEqual([])
  expect(reports).toHaveLength(PROCESSES)
  const events = (PROCESSES * appends) / 2
  for (const tail of tails) {
    expect(tail.errors).toEqual([])
    expect(tail.problems).toEqual([])
    expect({ events: tail.events, messages: tail.messages }).toEqual({ events, messages: events })
  }
  await verifyStore(target, session.id, appends)
  console.log(
    `R3 ${target.name}: ${PROCESSES * appends} appends by ${PROCESSES} processes in ${seconds.toFixed(1)} s, ` +
      `0 errors; tailers polled ${tails.map((t) => t.polls).join(", ")} times` +
      (largestWal === undefined ? "" : `; largest WAL ${(largestWal / 2 ** 20).toFixed(1)} MiB`),
  )
  if (largestWal !== undefined) expect(largestWal).toBeLessThan(MAX_WAL_BYTES)
}

/** Every append is stored once; the transcript is 1..n with the session's counters matching. */
async function verifyStore(target: ProcessTarget, sessionId: string, appends: number) {
  expect(await target.integrity()).toBe("ok")
  const expected = (kind: "e" | "m") =>
    Array.from({ length: PROCESSES }, (_, p) =>
      Array.from({ length: appends }, (_, i) => i)
        .filter((i) => (kind === "e") === (i % 2 === 0))
        .map((i) => `p${p}-${kind}${i}`),
    )
      .flat()
      .sort()
  const eventIds = (await target.rows("SELECT id FROM events ORDER BY cursor")).map((r) =>
    String(r.id),
  )
  expect([...eventIds].sort()).toEqual(expected("e"))
  const messages = (
    await target.rows("SELECT id, sequence FROM messages WHERE session_id = ? ORDER BY sequence", [
      sessionId,
    ])
  ).map((r) => ({ id: String(r.id), sequence: Number(r.sequence) }))
  expect(messages.map((m) => m.sequence)).toEqual(messages.map((_, i) => i + 1))
  expect(messages.map((m) => m.id).sort()).toEqual(expected("m"))
  expectPerProcessOrder(eventIds)
  expectPerProcessOrder(messages.map((m) => m.id))
  const [counters] = await target.rows(
    "SELECT message_count, last_sequence FROM sessions WHERE id = ?",
    [sessionId],
  )
  expect({ count: Number(counters?.message_count), last: Number(counters?.last_sequence) }).toEqual(
    {
      count: messages.length,
      last: messages.length,
    },
  )
}

/** Each process's rows appear in the order it appended them. */
function expectPerProcessOrder(ids: unknown[]): void {
  const last = new Map<string, number>()
  for (const id of ids as string[]) {
    const [, proc, index] = /^(p\d+)-[em](\d+)$/.exec(id) ?? []
    expect(Number(index)).toBeGreaterThan(last.get(proc as string) ?? -1)
    last.set(proc as string, Number(index))
  }
}
