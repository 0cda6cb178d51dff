import { randomBytes } from "node:crypto"
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest"
import type { Backend, BackendCapabilities } from "../core/backend.js"
import { type ManualClock, manualClock } from "../core/clock.js"
import type { AgentStoreError, ErrorCode } from "../core/errors.js"
import { createStore, type Store } from "../core/store.js"
import type { ThreadAccess } from "./race.js"

/** A backend under test, as the conformance suite builds and disposes of it. */
export interface ConformanceTarget {
  /** Shown in test names. */
  name: string
  /** A fresh, migrated store that shares nothing with other calls (a new file, a new schema). */
  create(): Promise<Backend>
  /**
   * Releases what `create` made (drop the schema, remove the file). It also closes the backend
   * and may be handed one that is already closed. Default: `backend.close()`.
   */
  destroy?(backend: Backend): Promise<void>
  /**
   * Opens a second, independent connection to the store behind `backend` (the same file, the
   * same schema). Used with `capabilities.multiProcess` to race two connections.
   */
  connect?(backend: Backend): Promise<Backend>
  /**
   * Lets racing tests open the store from worker threads, so that their calls really overlap
   * where a backend runs each call synchronously (SQLite). Without it they race as concurrent
   * promises in this thread, which overlap only on a backend that waits on I/O (PostgreSQL).
   */
  threads?: ThreadAccess
}

/** What one test works with: a store scoped to a namespace no other test uses. */
export interface Fixture {
  backend: Backend
  store: Store
  clock: ManualClock
}

/** The start of every test clock: 2025-01-01T00:00:00.000Z. */
export const T0 = Date.UTC(2025, 0, 1)

/** A random suffix, so names and ids never collide between tests or runs. */
export function rand(prefix = "x"): string {
  return `${prefix}-${randomBytes(6).toString("hex")}`
}

/** Disposes of a backend the way the target wants. */
export async function dispose(target: ConformanceTarget, backend: Backend): Promise<void> {
  if (target.destroy) await target.destroy(backend)
  else await backend.close()
}

/** Asks the target once for its capabilities (while collecting tests, for `it.skipIf`). */
export async function probeCapabilities(target: ConformanceTarget): Promise<BackendCapabilities> {
  const backend = await target.create()
  try {
    return { ...backend.capabilities }
  } finally {
    await dispose(target, backend)
  }
}

/**
 * Registers hooks for one test file: one backend for the file, a fresh namespace and clock for
 * every test, and `fresh()` for tests that need a backend of their own (close, migrations).
 */
export function useFixture(target: ConformanceTarget): {
  get(): Fixture
  fresh(): Promise<Fixture>
  connect(backend: Backend): Promise<Backend>
} {
  let shared: Backend | undefined
  let current: Fixture | undefined
  const owned: Backend[] = []
  const extra: Backend[] = []
  beforeAll(async () => {
    shared = await target.create()
  })
  afterAll(async () => {
    if (shared) await dispose(target, shared)
  })
  beforeEach(() => {
    const clock = manualClock(T0)
    const backend = shared as Backend
    current = { backend, clock, store: createStore(backend, { clock, namespace: rand("ns") }) }
  })
  afterEach(async () => {
    for (const backend of extra.splice(0)) await backend.close()
    for (const backend of owned.splice(0)) await dispose(target, backend)
  })
  return {
    get: () => current as Fixture,
    async fresh() {
      const backend = await target.create()
      owned.push(backend)
      const clock = manualClock(T0)
      return { backend, clock, store: createStore(backend, { clock }) }
    },
    async connect(backend) {
      if (!target.connect) throw new Error(`${target.name} has no connect()`)
      const other = await target.connect(backend)
      extra.push(other)
      return other
    },
  }
}

/** Awaits a promise that must reject with an agentstore error of `code` (and `field`). */
export async function expectError(
  promise: Promise<unknown>,
  code: ErrorCode,
  field?: string,
): Promise<AgentStoreError> {
  let caught: unknown
  try {
    await promise
  } catch (error) {
    caught = error
  }
  // Compared by code, not class: a backend may load its own copy of the error classes.
  if (!(caught instanceof Error) || (caught as Partial<AgentStoreError>).code !== code) {
    expect.fail(`expected a ${code} error, got ${caught === undefined ? "success" : caught}`)
  }
  const error = caught as AgentStoreError
  if (field !== undefined) expect(error.details.field, error.message).toBe(field)
  return error
}

/** The ISO time `ms` milliseconds after `T0`. */
export function at(ms: number): string {
  return new Date(T0 + ms).toISOString()
}

/** Counts rows of every domain in a namespace, to prove a failed call wrote nothing. */
export async function footprint(store: Store) {
  const sessions = await store.sessions.list({ limit: 1000 })
  let messages = 0
  for (const s of sessions.items) messages += await store.messages.count(s.id)
  const tools = (await store.tools.list({ limit: 1000 })).items.length
  return { sessions: sessions.items.length, messages, events: await store.events.count(), tools }
}
