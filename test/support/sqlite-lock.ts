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

/** How late the event loop's timers fired while it was watched, in ms. */
export interface LoopLag {
  /** The longest stall: a synchronous wait anywhere in the process shows up here whole. */
  max: number
  /** The 99th percentile of the stalls, which a moment of CPU starvation does not move. */
  p99: number
}

/** Measures how late 5 ms timers fire until `stop()`. */
export function watchEventLoop(tickMs = 5): { stop(): LoopLag } {
  let last = performance.now()
  const lags: number[] = []
  const tick = () => {
    const now = performance.now()
    lags.push(Math.max(0, now - last - tickMs))
    last = now
  }
  const timer = setInterval(tick, tickMs)
  return {
    stop() {
      tick()
      clearInterval(timer)
      const sorted = [...lags].sort((a, b) => a - b)
      const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0
      return { max: sorted[sorted.length - 1] ?? 0, p99 }
    },
  }
}
