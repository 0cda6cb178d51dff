import type { Connection } from "./connection.js"

/** Wake-ups for live tail on SQLite. */
export interface SqliteWatch {
  /** The backend's `watch`. */
  watch(ns: string, onSignal: () => void): () => void
  /** Wakes the watchers of the rows' namespaces; called after this connection commits events. */
  committed(rows: readonly { namespace: string }[]): void
  /** Stops polling and drops every watcher. */
  close(): void
}

interface Watcher {
  ns: string
  onSignal: () => void
}

/**
 * Wakes live tails on SQLite. A new watcher is signalled once, as the contract asks. Commits
 * made through this connection wake the watchers of their namespace at once. Commits by any other connection (another process, or another store on
 * the same file) change `PRAGMA data_version`, which is polled every `intervalMs` while
 * someone watches (never when `intervalMs` is undefined, as for `:memory:`); a change wakes every watcher, since the pragma does not say what changed.
 * Each poll is one statement in its own implicit transaction: nothing stays open between
 * polls, so checkpoints are never held back.
 */
export function sqliteWatch(conn: Connection, intervalMs: number | undefined): SqliteWatch {
  const watchers = new Set<Watcher>()
  let timer: NodeJS.Timeout | undefined
  let version: unknown

  const fire = (targets: Iterable<Watcher>) => {
    for (const watcher of [...targets]) {
      try {
        watcher.onSignal()
      } catch {
        // A watcher's failure is its own; the others still hear the signal.
      }
    }
  }
  const readVersion = () => conn.db.pragma("data_version", { simple: true })
  const poll = () => {
    try {
      const next = readVersion()
      if (next === version) return
      version = next
    } catch {
      // A failed poll (the file briefly locked, the connection closing) wakes everyone, so
      // readers go back to the cursor and meet the error there if it lasts.
    }
    fire(watchers)
  }
  const stop = () => {
    if (timer) clearInterval(timer)
    timer = undefined
  }

  return {
    watch(ns, onSignal) {
      const watcher = { ns, onSignal }
      if (watchers.size === 0 && intervalMs !== undefined && conn.db.open) {
        version = readVersion()
        // Unref'd: a waiting `next()` keeps the process alive by itself, an abandoned tail must not.
        timer = setInterval(poll, intervalMs).unref()
      }
      watchers.add(watcher)
      queueMicrotask(() => {
        if (watchers.has(watcher)) fire([watcher])
      })
      return () => {
        watchers.delete(watcher)
        if (watchers.size === 0) stop()
      }
    },
    committed(rows) {
      if (watchers.size === 0) return
      const touched = new Set(rows.map((row) => row.namespace))
      fire([...watchers].filter((watcher) => touched.has(watcher.ns)))
    },
    close() {
      stop()
      watchers.clear()
    },
  }
}
