import type { Backend } from "./backend.js"
import type { Clock } from "./clock.js"
import { StoreClosedError } from "./errors.js"

/** What every domain API of one store view shares. */
export interface StoreContext {
  readonly backend: Backend
  readonly namespace: string
  readonly clock: Clock
  readonly newId: () => string
  /** Throws `StoreClosedError` once the store is closed. */
  readonly open: () => Backend
}

/** Shared open/closed state of a store and all its namespace views. */
export class Lifecycle {
  #closed = false
  #backend: Backend

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

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#backend.close()
  }
}
