import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import { afterAll, describe, expect, it } from "vitest"
import { openStore } from "../src/index.js"
import { type Child, sizeFromEnv, soak, startChild } from "./support/children.js"

// R3 (RELIABILITY.md): many processes append to one SQLite file at once while readers tail it.
// CI: 8 × 2,000 appends and 1 tailer; `npm run soak`: 8 × 5,000 and 2 tailers.
const PROCESSES = 8
const APPENDS = sizeFromEnv("AGENTSTORE_R3_APPENDS", 2000, 5000)
const TAILERS = soak ? 2 : 1
const dir = mkdtempSync(join(tmpdir(), "agentstore-r3-"))
const path = join(dir, "store.db")
afterAll(() => rmSync(dir, { recursive: true, force: true }))

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

describe(`R3: ${PROCESSES} processes × ${APPENDS} appends to one file, ${TAILERS} tailing`, () => {
  it("no error reaches a caller, every row is present, sequences are gap-free", async () => {
    const setup = await openStore(`sqlite:${path}`)
    const session = await setup.sessions.create({ agent: "r3", title: "shared" })
    await setup.close()

    const reports: string[] = []
    const tails: TailSummary[] = []
    const tailers = await Promise.all(
      Array.from({ length: TAILERS }, () =>
        startReady("r3-tailer.mjs", [path, session.id], (line) => tails.push(JSON.parse(line))),
      ),
    )
    const appenders = await Promise.all(
      Array.from({ length: PROCESSES }, (_, p) =>
        startReady("r3-appender.mjs", [path, String(p), String(APPENDS), session.id], (line) =>
          reports.push(`p${p} ${line}`),
        ),
      ),
    )
    const began = Date.now()
    for (const child of appenders) child.send("go")
    await Promise.all(appenders.map(ended))
    const seconds = (Date.now() - began) / 1000
    for (const child of tailers) child.send("stop")
    await Promise.all(tailers.map(ended))

    expect(reports.filter((line) => !/ done 0$/.test(line))).toEqual([])
    expect(reports).toHaveLength(PROCESSES)
    const events = (PROCESSES * APPENDS) / 2
    for (const tail of tails) {
      expect(tail.errors).toEqual([])
      expect(tail.problems).toEqual([])
      expect({ events: tail.events, messages: tail.messages }).toEqual({ events, messages: events })
    }
    verifyFile(session.id)
    console.log(
      `R3: ${PROCESSES * APPENDS} appends by ${PROCESSES} processes in ${seconds.toFixed(1)} s, ` +
        `0 errors; tailers polled ${tails.map((t) => t.polls).join(", ")} times`,
    )
  })
})

/** Every append is in the file once; the transcript is 1..n with the session's counters matching. */
function verifyFile(sessionId: string): void {
  const db = new Database(path, { readonly: true })
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok")
    const expected = (kind: "e" | "m") =>
      Array.from({ length: PROCESSES }, (_, p) =>
        Array.from({ length: APPENDS }, (_, i) => i)
          .filter((i) => (kind === "e") === (i % 2 === 0))
          .map((i) => `p${p}-${kind}${i}`),
      )
        .flat()
        .sort()
    const eventIds = db.prepare("SELECT id FROM events ORDER BY id").pluck().all()
    expect(eventIds).toEqual(expected("e"))
    const messages = db
      .prepare("SELECT id, sequence FROM messages WHERE session_id = ? ORDER BY sequence")
      .all(sessionId) as { id: string; sequence: number }[]
    expect(messages.map((m) => m.sequence)).toEqual(messages.map((_, i) => i + 1))
    expect(messages.map((m) => m.id).sort()).toEqual(expected("m"))
    expectPerProcessOrder(db.prepare("SELECT id FROM events ORDER BY cursor").pluck().all())
    expectPerProcessOrder(messages.map((m) => m.id))
    const counters = db
      .prepare("SELECT message_count, last_sequence FROM sessions WHERE id = ?")
      .get(sessionId)
    expect(counters).toEqual({ message_count: messages.length, last_sequence: messages.length })
  } finally {
    db.close()
  }
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
