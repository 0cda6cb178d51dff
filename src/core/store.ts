import type { ArtifactsApi } from "../artifacts/artifacts.js"
import type { BlobStore } from "../artifacts/blob-store.js"
import { createDatabaseBlobStore } from "../artifacts/lazy-blob-store.js"
import type { PlansApi } from "../changesets/plans.js"
import { createRetentionApi, type RetentionApi } from "../retention/index.js"
import type { Backend, MigrationStatus } from "./backend.js"
import { type Clock, systemClock } from "./clock.js"
import { Lifecycle, type StoreContext } from "./context.js"
import { createEventsApi, type EventsApi } from "./events.js"
import { ulidFactory } from "./ids.js"
import { lazyArtifactsApi, lazyPlansApi } from "./lazy-apis.js"
import { resolveLimits, type StoreLimits } from "./limits.js"
import { createMessagesApi, type MessagesApi } from "./messages.js"
import { createSessionsApi, type SessionsApi } from "./sessions.js"
import { createToolsApi, type ToolsApi } from "./tools.js"
import { checkNamespace } from "./validation.js"

/** Options shared by every way of building a store. */
export interface StoreOptions {
  /** The tenant every call of this store view is scoped to. Default `"default"`. */
  namespace?: string
  /** Milliseconds since the epoch; inject one in tests. */
  clock?: Clock
  /** Where blob bytes live. Default: in the database (`createDatabaseBlobStore(backend)`). */
  blobs?: BlobStore
  /**
   * Size limits in UTF-8 bytes as stored: `messageBytes` (a message's content, default 4 MiB),
   * `eventBytes` (an event's data or text, a tool call's arguments, result or error; 4 MiB),
   * `metadataBytes` (any metadata object; 256 KiB). Over a limit: `ValidationError`, nothing
   * written.
   */
  limits?: StoreLimits
}

/** The durable memory of an agent runtime: one object per domain, all scoped to a namespace. */
export interface Store extends AsyncDisposable {
  readonly namespace: string
  readonly backend: Backend
  /** The content-addressed blob storage artifacts and changesets keep their bytes in. */
  readonly blobs: BlobStore
  readonly sessions: SessionsApi
  readonly messages: MessagesApi
  readonly events: EventsApi
  readonly tools: ToolsApi
  /** Retention policies applied in small batches. */
  readonly retention: RetentionApi
  readonly artifacts: ArtifactsApi
  /** Plans: recorded file changes, reviewed as diffs, then applied or discarded. */
  readonly plans: PlansApi
  /** A view of the same store scoped to another namespace (shares the connection). */
  withNamespace(namespace: string): Store
  /** Schema versions applied and known. */
  migrationStatus(): Promise<MigrationStatus>
  /** Closes the store and the backend it opened; idempotent. Later calls raise `StoreClosedError`. */
  close(): Promise<void>
  readonly closed: boolean
}

/**
 * Builds a store over a migrated backend.
 * @example
 * const store = createStore(await createSqliteBackend({ path: ":memory:" }))
 */
export function createStore(backend: Backend, options: StoreOptions = {}): Store {
  const clock = options.clock ?? systemClock
  const limits = resolveLimits(options.limits)
  return buildView(
    new Lifecycle(backend),
    { backend, blobs: options.blobs ?? createDatabaseBlobStore(backend), clock, limits },
    ulidFactory(clock),
    options.namespace ?? "default",
  )
}

interface Shared {
  backend: Backend
  blobs: BlobStore
  clock: Clock
  limits: Readonly<Required<StoreLimits>>
}

function buildView(
  lifecycle: Lifecycle,
  shared: Shared,
  newId: () => string,
  namespace: string,
): Store {
  const { backend, blobs, clock, limits } = shared
  const ctx: StoreContext = {
    backend,
    namespace: checkNamespace(namespace),
    clock,
    newId,
    blobs,
    limits,
    open: lifecycle.backend,
    onClose: lifecycle.onClose,
  }
  return {
    namespace: ctx.namespace,
    backend,
    blobs,
    sessions: createSessionsApi(ctx),
    messages: createMessagesApi(ctx),
    events: createEventsApi(ctx),
    tools: createToolsApi(ctx),
    retention: createRetentionApi(ctx),
    artifacts: lazyArtifactsApi(ctx),
    plans: lazyPlansApi(ctx),
    withNamespace: (ns) => buildView(lifecycle, shared, newId, ns),
    migrationStatus: async () => lifecycle.backend().migrationStatus(),
    close: () => lifecycle.close(),
    get closed() {
      return lifecycle.closed
    },
    [Symbol.asyncDispose]: () => lifecycle.close(),
  }
}
