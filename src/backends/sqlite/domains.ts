/**
 * The SQLite backend's domain operations, each group's code loaded on its first call: opening a
 * store (or listing sessions) does not load the messages, events, artifacts, blobs, plans or
 * maintenance code.
 */
import type { ArtifactOps, BlobOps } from "../../core/artifact-backend.js"
import type { MaintenanceOps } from "../../core/backend.js"
import type { ChangesetOps } from "../../core/changeset-rows.js"
import {
  EVENT_OPS,
  type EventOps,
  MESSAGE_OPS,
  type MessageOps,
  SESSION_OPS,
  type SessionOps,
  TOOL_OPS,
  type ToolOps,
} from "../../core/domain-ops.js"
import { createOpsLoader } from "../../core/lazy-ops.js"
import type { Connection } from "./connection.js"

/** Every domain operation of a SQLite backend over `conn`. */
export type SqliteDomains = SessionOps &
  MessageOps &
  EventOps &
  ToolOps &
  ArtifactOps &
  BlobOps &
  ChangesetOps & { maintenance: MaintenanceOps }

/** The domain operations over `conn`; no domain code is loaded until one of them is called. */
export function sqliteDomains(conn: Connection): SqliteDomains {
  const loader = createOpsLoader()
  return {
    ...loader.group<SessionOps>(
      async () => (await import("./sessions.js")).sqliteSessions(conn),
      SESSION_OPS,
    ),
    ...loader.group<MessageOps>(
      async () => (await import("./messages.js")).sqliteMessages(conn),
      MESSAGE_OPS,
    ),
    ...loader.group<EventOps>(
      async () => (await import("./events.js")).sqliteEvents(conn),
      EVENT_OPS,
    ),
    ...loader.group<ToolOps>(async () => (await import("./tools.js")).sqliteTools(conn), TOOL_OPS),
    ...loader.group<ArtifactOps>(
      async () => (await import("./artifacts.js")).sqliteArtifacts(conn),
      {
        insertArtifact: true,
        getArtifact: true,
        listArtifacts: true,
        deleteArtifact: true,
        unreferencedBlobs: true,
        claimBlobs: true,
        ownedBlobs: true,
        releaseBlobs: true,
      },
    ),
    ...loader.group<BlobOps>(async () => (await import("./blobs.js")).sqliteBlobs(conn), {
      blobBeginUpload: true,
      blobWriteChunks: true,
      blobCommitUpload: true,
      blobAbortUpload: true,
      blobStat: true,
      blobReadChunks: true,
      blobTouch: true,
      blobDelete: true,
      blobList: true,
      blobSweepUploads: true,
    }),
    ...loader.group<ChangesetOps>(
      async () => (await import("./changesets.js")).sqliteChangesets(conn),
      {
        insertPlan: true,
        getPlan: true,
        listPlans: true,
        updatePlan: true,
        appendChanges: true,
        listChanges: true,
        discardChanges: true,
      },
    ),
    maintenance: loader.group<MaintenanceOps>(
      async () => (await import("./maintenance.js")).sqliteMaintenance(conn),
      { importRows: true, pruneBatch: true, countPrunable: true, reclaimSpace: true },
    ),
  }
}
