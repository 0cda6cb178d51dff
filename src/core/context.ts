import type { BlobStore } from "../artifacts/blob-store.js"
import type { Backend } from "./backend.js"
import type { Clock } from "./clock.js"
import { StoreClosedError } from "./errors.js"
import type { StoreLimits } from "./limits.js"

/** What every domain API of one store view shares. */
export interface StoreContext {
  readonly backend: Backend
  readonly namespace: string
  readonly clock: Clock
  readonly newId: () => string
  /** Where blob bytes live (filesystem or database); content-addressed by SHA-256. */
  readonly blobs: BlobStore
  /** Size limits every write checks before it reaches the backend. */
  readonly limits: Readonly<Required<StoreLimits>>
  /** Throws `StoreClosedError` once the store is closed. */
  readonly open: () => Backend
  /** Runs `fn` when the store closes (before the backend does); returns an unregister function. */
  readonly onClose: (fn: () => void) => () => void
}

/** Shared open/closed state of a store and all its namespace views. */
export class Lifecycle {
  #closed = false
  #backend: Backend
  readonly #closers = new Set<() => void>()

  constructor(backend: Backend) {
    this.#backend = backend
  }

  get closed(): boolean {
    return this.#closed
  }

  backend = (): Backend => {
    if (this.#closed) throw new StoreClosedError()
    return this.#backend
  }

  onClose = (fn: () => void): (() => void) => {
    this.#closers.add(fn)
    return () => this.#closers.delete(fn)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const fn of [...this.#closers]) fn()
    this.#closers.clear()
    await this.#backend.close()
  }
}
