import { spawn } from "node:child_process"
import { once } from "node:events"

/** How a child process locks a SQLite file. */
export type LockKind =
  /** `BEGIN IMMEDIATE`: the write lock; WAL readers go on. */
  | "write"
  /** `locking_mode = EXCLUSIVE` and a write: nobody else may read or write, as during recovery. */
  | "exclusive"

const SETUP: Record<LockKind, string> = {
  write: 'db.exec("BEGIN IMMEDIATE");',
  exclusive:
    'db.pragma("locking_mode = EXCLUSIVE"); db.exec("BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS lock_probe (x); COMMIT"); db.exec("BEGIN EXCLUSIVE");',
}

/**
 * Starts a child process that locks `path` for `ms` ms; resolves once it holds the lock.
 * `released` resolves when the child has let go and exited.
 */
export async function holdLock(
  path: string,
  ms: number,
  kind: LockKind = "write",
): Promise<{ released: Promise<unknown> }> {
  const script = `
    const db = new (require("better-sqlite3"))(${JSON.stringify(path)});
    ${SETUP[kind]}
    process.stdout.write("locked\\n");
    setTimeout(() => { db.exec("COMMIT"); db.close(); }, ${ms});`
  const child = spawn(process.execPath, ["-e", script], { cwd: process.cwd() })
  const released = once(child, "exit")
  let stderr = ""
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    stderr += s
  })
  await Promise.race([
    once(child.stdout, "data"),
    released.then(() => {
      throw new Error(`the lock holder ended early: ${stderr}`)
    }),
  ])
  return { released }
}

/**
 * Measures how late timers fire while it runs: the longest event-loop stall, in ms.
 * A synchronous wait anywhere in the process shows up here as a stall of that length.
 */
export function watchEventLoop(tickMs = 5): { stop(): number } {
  let last = performance.now()
  let worst = 0
  const tick = () => {
    const now = performance.now()
    worst = Math.max(worst, now - last - tickMs)
    last = now
  }
  const timer = setInterval(tick, tickMs)
  return {
    stop() {
      tick()
      clearInterval(timer)
      return worst
    },
  }
}
