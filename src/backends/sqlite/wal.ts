import { statSync } from "node:fs"
import { setTimeout as sleep } from "node:timers/promises"
import type DatabaseConstructor from "better-sqlite3"

/** The WAL size past which a connection truncates it, and the size SQLite trims it to. */
export const WAL_LIMIT_BYTES = 16 * 1024 * 1024

/** How often, at most, a connection looks at the WAL's size. */
const CHECK_EVERY_MS = 100
/** How long one checkpoint may block the thread waiting for the lock or for readers. */
const WAIT_MS = 10
/** How long one round of truncation attempts may go on while readers hold old snapshots. */
const ROUND_MS = 5000

/**
 * Keeps a WAL file bounded under constant writers. SQLite's automatic checkpoints copy pages
 * back but can only restart the log when no writer and no reader is using it; with writers in
 * several processes and readers holding snapshots that moment rarely comes, and the WAL grows
 * without bound. After a call, at most every 100 ms, this looks at the WAL's size; past
 * `WAL_LIMIT_BYTES` it runs `wal_checkpoint(TRUNCATE)`, which with the driver's busy timeout
 * of 0 gives up at once while a snapshot still needs the log, and tries again after a short
 * asynchronous pause until it succeeds or the round ends. `journal_size_limit` trims the file
 * whenever SQLite itself restarts the log.
 */
export class WalGuard {
  readonly #db: DatabaseConstructor.Database
  readonly #walPath: string
  #checkedAt = 0
  #running = false

  constructor(db: DatabaseConstructor.Database, path: string) {
    this.#db = db
    this.#walPath = `${path}-wal`
    db.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`)
  }

  /** Called after every call on the connection; cheap unless a check is due. */
  touched(): void {
    if (this.#running) return
    const now = Date.now()
    if (now - this.#checkedAt < CHECK_EVERY_MS) return
    this.#checkedAt = now
    if (this.#size() <= WAL_LIMIT_BYTES) return
    this.#running = true
    void this.#truncate().finally(() => {
      this.#running = false
    })
  }

  /**
   * One `wal_checkpoint(TRUNCATE)`, allowed to wait up to `WAIT_MS` for the write lock and for
   * readers of older snapshots to finish: while it holds the write lock no frame is added, so
   * readers that start meanwhile read the database file and do not hold the log back.
   */
  #attempt(): boolean {
    try {
      this.#db.pragma(`busy_timeout = ${WAIT_MS}`)
      const [result] = this.#db.pragma("wal_checkpoint(TRUNCATE)") as { busy: number }[]
      return result?.busy === 0
    } catch {
      return false
    } finally {
      if (this.#db.open) this.#db.pragma("busy_timeout = 0")
    }
  }

  #size(): number {
    try {
      return statSync(this.#walPath).size
    } catch {
      return 0
    }
  }

  async #truncate(): Promise<void> {
    const until = Date.now() + ROUND_MS
    for (let attempt = 0; Date.now() < until; attempt++) {
      if (!this.#db.open) return
      if (this.#attempt()) return
      await sleep(Math.min(2 ** attempt, 20) * (0.5 + Math.random()))
    }
  }
}
