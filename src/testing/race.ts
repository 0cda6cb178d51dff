import { Worker } from "node:worker_threads"
import type { Backend } from "../core/backend.js"
import type { Store } from "../core/store.js"

/**
 * How the conformance suite reaches a target's store from other threads, so that racing calls
 * really run at the same time on a backend whose calls run synchronously (SQLite): each thread
 * opens its own store with `openStore(url(backend))`.
 */
export interface ThreadAccess {
  /** What the threads import `openStore` from: `"agentstore"` or the URL of the built entry. */
  module: string
  /** The URL `openStore` opens to reach the store behind `backend`. */
  url(backend: Backend): string
}

/** One racing call: a store method by path (`"sessions.create"`) and its arguments. */
export interface RaceCall {
  method: string
  args: unknown[]
}

/** How a racing call ended. */
export type RaceOutcome =
  | { ok: true; value: unknown }
  | { ok: false; code: string | undefined; message: string }

// A CommonJS script (worker `eval`): opens the store, says ready, waits for "go", runs its calls.
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads")
const run = async () => {
  const { openStore } = await import(workerData.module)
  const store = await openStore(workerData.url, { namespace: workerData.namespace })
  parentPort.postMessage({ ready: true })
  await new Promise((resolve) => parentPort.once("message", resolve))
  const outcomes = await Promise.all(workerData.calls.map(async ({ method, args }) => {
    const [api, name] = method.split(".")
    try {
      return { ok: true, value: await store[api][name](...args) }
    } catch (error) {
      return { ok: false, code: error && error.code, message: String(error && error.message) }
    }
  }))
  await store.close()
  parentPort.postMessage({ outcomes })
}
run().catch((error) => parentPort.postMessage({ failed: String((error && error.stack) || error) }))
`

async function callInProcess(store: Store, { method, args }: RaceCall): Promise<RaceOutcome> {
  const [api, name] = method.split(".") as [string, string]
  const fn = (store as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>)[
    api
  ]?.[name]
  if (!fn) throw new Error(`no store method ${method}`)
  try {
    return { ok: true, value: await fn(...args) }
  } catch (error) {
    const code = (error as { code?: string }).code
    return { ok: false, code, message: String((error as Error).message) }
  }
}

function startThread(access: ThreadAccess, backend: Backend, namespace: string, calls: RaceCall[]) {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { module: access.module, url: access.url(backend), namespace, calls },
  })
  const ready = new Promise<void>((resolve, reject) => {
    worker.once("message", (m: { ready?: boolean; failed?: string }) =>
      m.ready ? resolve() : reject(new Error(m.failed)),
    )
    worker.once("error", reject)
  })
  const done = ready.then(
    () =>
      new Promise<RaceOutcome[]>((resolve, reject) => {
        worker.once("message", (m: { outcomes?: RaceOutcome[]; failed?: string }) =>
          m.outcomes ? resolve(m.outcomes) : reject(new Error(m.failed)),
        )
        worker.once("error", reject)
      }),
  )
  return { worker, ready, done }
}

/**
 * Runs each list of calls as one racer, all released at once; gives each racer's outcomes in
 * call order. With `access`, every racer is a thread with its own store on the same data;
 * without, the racers are concurrent promises on `store` (which overlap on a backend whose
 * calls wait on the network, like PostgreSQL's pool).
 */
export async function race(
  store: Store,
  backend: Backend,
  access: ThreadAccess | undefined,
  racers: RaceCall[][],
): Promise<RaceOutcome[][]> {
  if (!access) {
    return Promise.all(
      racers.map((calls) => Promise.all(calls.map((c) => callInProcess(store, c)))),
    )
  }
  const threads = racers.map((calls) => startThread(access, backend, store.namespace, calls))
  try {
    await Promise.all(threads.map((t) => t.ready))
    for (const t of threads) t.worker.postMessage("go")
    return await Promise.all(threads.map((t) => t.done))
  } finally {
    await Promise.all(threads.map((t) => t.worker.terminate()))
  }
}

/** The value of a call that must have succeeded. */
export function succeeded<T>(outcome: RaceOutcome | undefined): T {
  if (!outcome?.ok) throw new Error(`a racing call failed: ${JSON.stringify(outcome)}`)
  return outcome.value as T
}
