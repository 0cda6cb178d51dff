import type { ArtifactOps, BlobOps } from "./artifact-backend.js"
import type { ArtifactRow } from "./artifact-rows.js"
import type { ChangeRow, ChangesetOps, PlanRow } from "./changeset-rows.js"
import type { EventRow, MessageRow, SessionRow, ToolRow } from "./rows.js"
import type { ToolStatus } from "./types.js"

/** What a backend can do. Code and tests branch on these, never on a backend's name. */
export interface BackendCapabilities {
  /** Several processes may open the same store at once. */
  readonly multiProcess: boolean
  /** Writes wake subscribers in other processes without polling. */
  readonly notify: boolean
  /** Most rows one append call takes. */
  readonly maxBatch: number
}

/** Applied and known schema versions. */
export interface MigrationStatus {
  current: number
  latest: number
  applied: { version: number; name: string; checksum: string; appliedAt: string }[]
}

/** A validated session listing, ready for SQL. Times are epoch ms. */
export interface SessionListSpec {
  agent?: string
  createdSince?: number
  createdUntil?: number
  updatedSince?: number
  updatedUntil?: number
  metadata: [key: string, value: string | number | boolean | null][]
  orderBy: "created_at" | "updated_at"
  order: "asc" | "desc"
  /** Rows to fetch (the caller asks for one more than it shows, to know `hasMore`). */
  limit: number
  offset: number
  /** Keyset position: rows strictly after this (time, id) in the chosen order. */
  after?: { time: number; id: string }
  total: boolean
}

/** A validated event filter. Times are epoch ms, cursors decimal strings. */
export interface EventFilterSpec {
  sessionId?: string
  agent?: string
  kinds?: string[]
  parentId?: string
  since?: number
  until?: number
  after?: string
  before?: string
}

/** A validated event page request. */
export interface EventQuerySpec extends EventFilterSpec {
  limit: number
  order: "asc" | "desc"
}

/** Aggregates the database computes for a filter. */
export interface EventSummaryRow {
  total: number
  byKind: [kind: string, count: number][]
  sessions: number
  firstTime: number | null
  lastTime: number | null
}

/** A validated message page request. */
export interface MessageListSpec {
  after?: number
  before?: number
  limit: number
  /** `desc` also serves "latest N". */
  order: "asc" | "desc"
}

/** A validated tool invocation listing. */
export interface ToolListSpec {
  sessionId?: string
  planId?: string
  tool?: string
  status?: ToolStatus
  since?: number
  until?: number
  order: "asc" | "desc"
  limit: number
  after?: { time: number; id: string }
}

/** Columns of a session a read-modify-write may change. */
export type SessionPatch = Partial<
  Pick<
    SessionRow,
    | "title"
    | "metadata"
    | "input_tokens"
    | "output_tokens"
    | "total_tokens"
    | "usage_extra"
    | "updated_at"
  >
>

/** Columns of a tool invocation a read-modify-write may change. */
export type ToolPatch = Partial<
  Pick<ToolRow, "status" | "result" | "error" | "finished_at" | "duration_ms" | "change_ids">
>

/**
 * The storage contract. Every method is one whole domain operation and one transaction;
 * there is no begin/commit here. All rows are scoped by `ns` (the namespace): no call
 * ever reads or writes another namespace. Validation, ids, encoding and decoding happen
 * before and after, in the store; a backend only moves rows and maps driver errors.
 */
export interface Backend extends ArtifactOps, BlobOps, ChangesetOps {
  readonly name: string
  readonly capabilities: BackendCapabilities

  /** Brings the schema to `target` (default: latest). Safe under concurrent migrators. */
  migrate(target?: number): Promise<MigrationStatus>
  migrationStatus(): Promise<MigrationStatus>
  /** Closes what the backend opened; idempotent. */
  close(): Promise<void>
  /**
   * Optional wake-ups for live tail: calls `onSignal` whenever events may have been appended to
   * namespace `ns` by any process, and once the watch is in place. A signal carries no data
   * and may be spurious or coalesced (re-read from a cursor); it must never be missing after a
   * commit. `capabilities.notify` says whether other processes' commits arrive without polling
   * (SQLite polls `PRAGMA data_version`). Returns a function that stops watching. Backends
   * without it are polled by the store.
   */
  watch?(ns: string, onSignal: () => void): () => void

  /** Inserts a session, assigning `number` = the agent's max + 1. Returns the stored row. */
  insertSession(row: Omit<SessionRow, "number">): Promise<SessionRow>
  getSession(ns: string, id: string): Promise<SessionRow | undefined>
  listSessions(ns: string, spec: SessionListSpec): Promise<{ rows: SessionRow[]; total?: number }>
  /** Reads the session, applies `change` to it and writes the patch, atomically. */
  updateSession(
    ns: string,
    id: string,
    change: (current: SessionRow) => SessionPatch,
  ): Promise<SessionRow | undefined>
  /** Deletes the session with its messages, events and tool invocations. */
  deleteSession(ns: string, id: string): Promise<boolean>

  /**
   * Appends messages, assigning sequences after the session's last one, and bumps the
   * session's counters and `updated_at` to `now`. Rows whose id already exists with the same
   * content are returned as stored; a different content is a `ConflictError`.
   * Returns `undefined` when the session does not exist.
   */
  appendMessages(
    ns: string,
    sessionId: string,
    rows: Omit<MessageRow, "sequence">[],
    options: { expectedSequence?: number; checkExisting: boolean; now: number },
  ): Promise<MessageRow[] | undefined>
  listMessages(
    ns: string,
    sessionId: string,
    spec: MessageListSpec,
  ): Promise<MessageRow[] | undefined>
  getMessage(ns: string, id: string): Promise<MessageRow | undefined>
  countMessages(ns: string, sessionId: string): Promise<number | undefined>
  /** Removes messages with sequence > `afterSequence`; returns them oldest first. */
  truncateMessages(
    ns: string,
    sessionId: string,
    afterSequence: number,
    now: number,
  ): Promise<MessageRow[] | undefined>
  /**
   * Removes the session's last message, reading which one is last inside the same transaction
   * (so concurrent pops each take a different message and never one appended meanwhile).
   * Returns it, `null` when the session is empty, `undefined` when it does not exist.
   */
  popMessage(ns: string, sessionId: string, now: number): Promise<MessageRow | null | undefined>
  /**
   * In one transaction: checks that the session's last sequence is `expectedSequence` and, when
   * given, that the message at that sequence is `expectedLastId` (else `ConflictError`), removes the messages after `afterSequence` and appends `rows` from
   * `afterSequence + 1`. An id already stored is a `ConflictError`. Returns the new rows,
   * `undefined` when the session does not exist.
   */
  replaceMessages(
    ns: string,
    sessionId: string,
    afterSequence: number,
    rows: Omit<MessageRow, "sequence">[],
    options: { expectedSequence: number; expectedLastId?: string; now: number },
  ): Promise<MessageRow[] | undefined>

  /**
   * Appends events, assigning cursors in commit order. Rows whose id exists with the same
   * content are returned as stored; a different content is a `ConflictError`. Every row
   * belongs to one namespace; a batch spanning two is a `ValidationError` on `events`.
   */
  appendEvents(
    rows: Omit<EventRow, "cursor">[],
    options: { checkExisting: boolean },
  ): Promise<EventRow[]>
  queryEvents(ns: string, spec: EventQuerySpec): Promise<EventRow[]>
  countEvents(ns: string, filter: EventFilterSpec): Promise<number>
  summarizeEvents(ns: string, filter: EventFilterSpec): Promise<EventSummaryRow>
  getEvent(ns: string, id: string): Promise<EventRow | undefined>
  /** Deletes the events of one session or one agent; returns how many. */
  deleteEvents(ns: string, scope: { sessionId?: string; agent?: string }): Promise<number>

  /** Inserts a tool invocation; an existing id with the same content is returned as stored. */
  insertTool(row: ToolRow, options: { checkExisting: boolean }): Promise<ToolRow>
  getTool(ns: string, id: string): Promise<ToolRow | undefined>
  /** Reads the invocation, applies `change` and writes the patch, atomically. */
  updateTool(
    ns: string,
    id: string,
    change: (current: ToolRow) => ToolPatch,
  ): Promise<ToolRow | undefined>
  listTools(ns: string, spec: ToolListSpec): Promise<ToolRow[]>
  deleteToolsByPlan(ns: string, planId: string): Promise<number>

  /** Bulk import with given ids and batched pruning; absent on a backend that cannot do them. */
  readonly maintenance?: MaintenanceOps
}

/** One row to import, tagged with its table. Events get fresh cursors in iteration order. */
export type ImportRow =
  | { table: "sessions"; row: SessionRow }
  | { table: "messages"; row: MessageRow }
  | { table: "events"; row: Omit<EventRow, "cursor"> }
  | { table: "tool_invocations"; row: ToolRow }
  | { table: "plans"; row: PlanRow }
  | { table: "changes"; row: ChangeRow }
  | { table: "artifacts"; row: ArtifactRow }

/** A retention rule the backend applies in small batches. Times are epoch ms. */
export type PruneRule =
  | { domain: "events"; olderThan: number; pinned: string[] }
  | { domain: "events"; keepPerSession: number; pinned: string[] }
  | { domain: "events"; keepPerAgent: number; pinned: string[] }
  | { domain: "messages"; olderThan: number; pinned: string[] }
  | { domain: "tool_invocations"; olderThan: number; pinned: string[] }
  | { domain: "sessions"; olderThan: number; pinned: string[] }

/** What one prune batch did: rows removed per table and how long it held the write lock. */
export interface PruneBatchResult {
  deleted: Partial<Record<"sessions" | "messages" | "events" | "tool_invocations", number>>
  /** True when the rule may still match rows (call again). */
  more: boolean
  lockHeldMs: number
}

/**
 * Maintenance operations: writing records with given ids (bundle import) and deleting in
 * small batches (retention). Each call is still one transaction.
 */
export interface MaintenanceOps {
  /**
   * Inserts every row `rows()` yields in ONE transaction: any failure (an id that exists →
   * `ConflictError`) writes nothing. Session numbers keep their relative order, shifted past
   * the agent's current maximum in the namespace. Returns rows written per table.
   */
  importRows(ns: string, rows: () => Iterable<ImportRow>): Promise<Record<string, number>>
  /** Deletes at most `limit` rows matched by `rule` (sessions: their children first). */
  pruneBatch(ns: string, rule: PruneRule, limit: number): Promise<PruneBatchResult>
  /** How many rows `rule` matches now (a dry run). */
  countPrunable(ns: string, rule: PruneRule): Promise<number>
  /** Returns free pages to the file system, at most `maxPages` per call. */
  reclaimSpace(
    maxPages: number,
  ): Promise<{ supported: boolean; freedPages: number; freePages: number; pageSize: number }>
}
