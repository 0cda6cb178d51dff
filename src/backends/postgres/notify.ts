import pg from "pg"
import { StoreClosedError } from "../../core/errors.js"

/**
 * One LISTEN connection per backend (its own connection, made with the pool's settings, so
 * it never takes a pool slot), shared by every watcher. Notifications are only a
 * signal (the payload is the namespace; the event cursor stays the truth), so a lost or
 * coalesced notification costs latency, never events: watchers are also signalled once the
 * LISTEN is in place and after every reconnect, and re-read from their cursor each time.
 */
export class Listener {
  readonly #config: pg.ClientConfig
  readonly #channel: string
  readonly #watchers = new Map<string, Set<() => void>>()
  #client: pg.Client | undefined
  #connecting: Promise<void> | undefined
  #stopped = false
  #retryMs = 50

  /** `listenUrl`, when given, names the server to LISTEN on; else the pool's settings apply. */
  constructor(pool: pg.Pool, channel: string, listenUrl?: string) {
    this.#config =
      listenUrl === undefined
        ? (pool.options as pg.ClientConfig)
        : { connectionString: listenUrl, application_name: "agentstore" }
    this.#channel = channel
  }

  /** Calls `onSignal` whenever events may have been appended to `ns`; returns the unwatch. */
  watch(ns: string, onSignal: () => void): () => void {
    if (this.#stopped) throw new StoreClosedError()
    const set = this.#watchers.get(ns) ?? new Set<() => void>()
    this.#watchers.set(ns, set)
    const entry = () => onSignal()
    set.add(entry)
    if (this.#client) queueMicrotask(entry)
    else this.#connect()
    return () => {
      set.delete(entry)
      if (set.size === 0 && this.#watchers.get(ns) === set) this.#watchers.delete(ns)
      if (this.#watchers.size === 0) this.#release()
    }
  }

  /** Ends the LISTEN connection; no signal is sent afterwards. */
  stop(): void {
    this.#stopped = true
    this.#watchers.clear()
    this.#release()
  }

  #connect(): void {
    if (this.#connecting || this.#client || this.#stopped) return
    this.#connecting = this.#open().finally(() => {
      this.#connecting = undefined
    })
  }

  async #open(): Promise<void> {
    const client = new pg.Client(this.#config)
    client.on("error", () => this.#lost(client))
    client.on("end", () => this.#lost(client))
    try {
      await client.connect()
      client.on("notification", (message) => {
        if (message.channel === this.#channel) this.#signal(message.payload)
      })
      await client.query(`LISTEN "${this.#channel}"`)
      if (this.#stopped || this.#watchers.size === 0) {
        void client.end().catch(() => {})
        return
      }
      this.#client = client
      this.#retryMs = 50
      this.#signal(undefined)
    } catch {
      void client.end().catch(() => {})
      this.#retry()
    }
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return
    this.#client = undefined
    void client.end().catch(() => {})
    this.#retry()
  }

  #retry(): void {
    if (this.#stopped || this.#watchers.size === 0) return
    const delay = this.#retryMs
    this.#retryMs = Math.min(this.#retryMs * 2, 5_000)
    setTimeout(() => this.#connect(), delay).unref()
  }

  #release(): void {
    const client = this.#client
    this.#client = undefined
    void client?.end().catch(() => {})
  }

  /** Signals the watchers of one namespace, or all of them when `ns` is undefined. */
  #signal(ns: string | undefined): void {
    const sets = ns === undefined ? [...this.#watchers.values()] : [this.#watchers.get(ns)]
    for (const set of sets) {
      for (const entry of set ?? []) {
        try {
          entry()
        } catch {
          // A watcher's failure is its own; the others still hear the signal.
        }
      }
    }
  }
}
