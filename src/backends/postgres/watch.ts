import type { Client, Notification } from "pg"

/** How the PostgreSQL backend wakes live tails. */
export interface PgWatchConfig {
  /** Opens a dedicated connection (not one of the pool's) to LISTEN on. */
  connect(): Promise<Client>
  /** The channel writers notify: see `eventsChannel`. */
  channel: string
  /** Longest wait between reconnect attempts. Default 5,000 ms. */
  maxRetryMs?: number
}

/** Wake-ups for live tail on PostgreSQL. */
export interface PgWatch {
  /** The backend's `watchEvents`. */
  watchEvents(ns: string, onSignal: () => void): () => void
  /** Stops watching and releases the LISTEN connection. */
  close(): Promise<void>
}

interface Watcher {
  ns: string
  onSignal: () => void
}

/**
 * The notification channel of one schema: writers `pg_notify` it with the namespace as
 * payload after appending events. Channels are global to a database, so the schema is in the
 * name; names longer than PostgreSQL's 63-byte limit are shortened with a hash.
 */
export function eventsChannel(schema: string): string {
  const name = `agentstore_events.${schema}`
  if (Buffer.byteLength(name) <= 63) return name
  let hash = 0x811c9dc5
  for (const byte of Buffer.from(schema)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0
  return `agentstore_events.${hash.toString(16).padStart(8, "0")}`
}

/** The statement a writer runs in its append transaction; NOTIFY is delivered on commit. */
export const NOTIFY_EVENTS_SQL = "SELECT pg_notify($1, $2)"

/**
 * One LISTEN connection per backend, shared by every live tail and held only while one is
 * watching. A notification is a signal, never data: its payload (the namespace) only picks whom
 * to wake. Whenever a notification might have been missed — the connection is (re)established
 * or lost, or a payload is unrecognised — every watcher is woken to re-read by cursor.
 */
export function pgWatch(config: PgWatchConfig): PgWatch {
  const watchers = new Set<Watcher>()
  const maxRetryMs = config.maxRetryMs ?? 5000
  let client: Client | undefined
  let connecting: Promise<void> | undefined
  let retry: NodeJS.Timeout | undefined
  let attempt = 0
  let closed = false

  const fire = (ns?: string) => {
    for (const watcher of [...watchers]) {
      if (ns !== undefined && watcher.ns !== ns) continue
      try {
        watcher.onSignal()
      } catch {
        // A watcher's failure is its own; the others still hear the signal.
      }
    }
  }
  const onNotification = (message: Notification) => {
    if (message.channel === config.channel) fire(message.payload || undefined)
  }
  const release = (lost: Client) => {
    lost.removeListener("notification", onNotification)
    lost.on("error", () => {})
    lost.end().catch(() => {})
  }

  const open = async () => {
    const next = await config.connect()
    next.on("notification", onNotification)
    next.on("error", () => lose(next))
    next.on("end", () => lose(next))
    try {
      await next.query(`LISTEN ${quoteIdent(config.channel)}`)
    } catch (error) {
      release(next)
      throw error
    }
    if (closed || watchers.size === 0) return release(next)
    client = next
    attempt = 0
    fire()
  }
  const ensure = () => {
    if (client || connecting || retry || closed || watchers.size === 0) return
    connecting = open()
      .catch(() => schedule())
      .finally(() => {
        connecting = undefined
      })
  }
  const schedule = () => {
    fire()
    if (closed || watchers.size === 0) return
    const wait = Math.min(maxRetryMs, 50 * 2 ** attempt++) * (0.5 + Math.random() / 2)
    retry = setTimeout(() => {
      retry = undefined
      ensure()
    }, wait)
  }
  function lose(lost: Client) {
    if (client !== lost) return
    client = undefined
    release(lost)
    schedule()
  }
  const idle = () => {
    if (retry) clearTimeout(retry)
    retry = undefined
    if (client) release(client)
    client = undefined
  }

  return {
    watchEvents(ns, onSignal) {
      const watcher = { ns, onSignal }
      watchers.add(watcher)
      ensure()
      return () => {
        watchers.delete(watcher)
        if (watchers.size === 0) idle()
      }
    },
    async close() {
      closed = true
      watchers.clear()
      idle()
      await connecting
    },
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}
