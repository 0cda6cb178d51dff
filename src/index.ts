export type {
  ArtifactsApi,
  ListArtifactsQuery,
  PutArtifactOptions,
} from "./artifacts/artifacts.js"
export type {
  BlobEntry,
  BlobInfo,
  BlobInput,
  BlobStore,
  ByteRange,
  CollectOptions,
} from "./artifacts/blob-store.js"
export type { DrilldownResult, DrilldownSelector } from "./artifacts/drilldown.js"
export type { FsBlobStoreConfig } from "./artifacts/fs-blob-store.js"
export { DEFAULT_GC_GRACE_MS, type GcReport } from "./artifacts/gc.js"
export { checkHandle } from "./artifacts/handles.js"
export { createDatabaseBlobStore, createFsBlobStore } from "./artifacts/lazy-blob-store.js"
export type { GrepMatch } from "./artifacts/select-grep.js"
export type { RowFormat } from "./artifacts/select-rows.js"
export { SELECTOR_KINDS } from "./artifacts/selector-kinds.js"
export type { DrilldownSource } from "./artifacts/text-stream.js"
export { createSqliteBackend, type SqliteConfig } from "./backends/sqlite/index.js"
export type { ExportOptions, ExportResult } from "./bundles/export.js"
export {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  type BundleCounts,
  type BundleHeader,
  type BundleLimits,
  type BundleSelection,
  type BundleTrailer,
  DEFAULT_LIMITS,
} from "./bundles/format.js"
export type { ImportOptions, ImportResult } from "./bundles/import.js"
export type {
  ApplyEntry,
  ApplyJournal,
  ApplyOptions,
  ApplyReport,
  JournalRecord,
} from "./changesets/apply.js"
export {
  type CapturedChange,
  compareSnapshots,
  type Snapshot,
  type SnapshotOptions,
  snapshotWorkspace,
} from "./changesets/capture.js"
export {
  type DiffFile,
  type DiffHunk,
  type DiffLine,
  diffFile,
  isBinary,
} from "./changesets/diff.js"
export { fileJournal } from "./changesets/journal.js"
export { netChanges } from "./changesets/net.js"
export { normalizePath } from "./changesets/paths.js"
export type { PlanApplyOptions } from "./changesets/plan-apply.js"
export type {
  Change,
  ChangeInput,
  CleanupReport,
  ContentInput,
  CreatePlanInput,
  ListPlansQuery,
  Plan,
} from "./changesets/plan-types.js"
export type { PlanDiffOptions, PlansApi } from "./changesets/plans.js"
export { type ChangeSummary, summarizeChanges } from "./changesets/summarize.js"
export type { ChangeContent, ChangeOp, ChangeRef, ContentSource } from "./changesets/types.js"
export { formatUnified } from "./changesets/unified.js"
export type {
  ArtifactListSpec,
  ArtifactOps,
  BlobOps,
  DbBlobChunk,
} from "./core/artifact-backend.js"
export type { ArtifactRef, ArtifactRow, DbBlobRow } from "./core/artifact-rows.js"
export type {
  Backend,
  BackendCapabilities,
  EventFilterSpec,
  EventQuerySpec,
  EventSummaryRow,
  ImportRow,
  MaintenanceOps,
  MessageListSpec,
  MigrationStatus,
  PruneBatchResult,
  PruneRule,
  SessionListSpec,
  SessionPatch,
  ToolListSpec,
  ToolPatch,
} from "./core/backend.js"
export { BLOB_REFERENCES, type BlobReference } from "./core/blob-references.js"
export type {
  ChangeRow,
  ChangesetOps,
  PlanListSpec,
  PlanPatch,
  PlanRow,
  PlanStatus,
} from "./core/changeset-rows.js"
export { type Clock, type ManualClock, manualClock, systemClock } from "./core/clock.js"
export {
  AgentStoreError,
  ConflictError,
  ERROR_STATUS,
  type ErrorCode,
  type ErrorDetails,
  IntegrityError,
  isAgentStoreError,
  MigrationError,
  NotFoundError,
  StoreClosedError,
  UnavailableError,
  ValidationError,
} from "./core/errors.js"
export type { EventsApi } from "./core/events.js"
export { DEFAULT_STORE_LIMITS, MAX_LIMIT_BYTES, type StoreLimits } from "./core/limits.js"
export type { MessagesApi } from "./core/messages.js"
export type { Migration } from "./core/migrations.js"
export type { EventRow, MessageRow, SessionRow, ToolRow } from "./core/rows.js"
export type { SessionsApi } from "./core/sessions.js"
export { createStore, type Store, type StoreOptions } from "./core/store.js"
export type {
  EventSubscribeFilter,
  EventSubscription,
  SubscribeOptions,
} from "./core/subscribe.js"
export type { ToolsApi } from "./core/tools.js"
export type {
  AppendMessagesOptions,
  CreateSessionInput,
  Event,
  EventFilter,
  EventInput,
  EventPage,
  EventQuery,
  EventSummary,
  FinishToolInput,
  Json,
  JsonObject,
  ListMessagesQuery,
  ListSessionsQuery,
  ListToolsQuery,
  Message,
  MessageInput,
  MessagePage,
  Page,
  RecordToolInput,
  ReplaceMessagesOptions,
  Session,
  StartToolInput,
  TimeInput,
  TokenUsage,
  ToolInvocation,
  ToolStatus,
  UpdateSessionInput,
  UsageInput,
} from "./core/types.js"
export { applyChanges, drilldown, exportBundle, importBundle } from "./lazy.js"
export {
  blobRoot,
  defaultStoreUrl,
  type OpenStoreOptions,
  openBackend,
  openStore,
} from "./open.js"
export {
  type DomainCounts,
  type RetentionCounters,
  retentionCounters,
} from "./retention/counters.js"
export type { RetentionApi } from "./retention/index.js"
export {
  type Duration,
  parseDuration,
  policyFor,
  type RetentionConfig,
  type RetentionPolicy,
  resolvePolicy,
} from "./retention/policy.js"
export type { RetentionReport, RetentionRunOptions } from "./retention/run.js"
