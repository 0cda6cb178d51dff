import type { Migration } from "../../../core/migrations.js"

/** Artifact refs, and the chunked blob tables of the in-database blob store. */
export const artifacts: Migration = {
  version: 2,
  name: "artifacts",
  up: `
CREATE TABLE artifacts (
  namespace TEXT NOT NULL,
  handle TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  media_type TEXT NOT NULL,
  label TEXT,
  metadata TEXT NOT NULL,
  session_id TEXT,
  tool_invocation_id TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, handle),
  FOREIGN KEY (namespace, session_id) REFERENCES sessions (namespace, id) ON DELETE CASCADE
);
CREATE INDEX artifacts_created ON artifacts (namespace, created_at, handle);
CREATE INDEX artifacts_session ON artifacts (namespace, session_id, created_at, handle);
CREATE INDEX artifacts_media_type ON artifacts (namespace, media_type, created_at, handle);
CREATE INDEX artifacts_label ON artifacts (namespace, label, created_at, handle);
CREATE INDEX artifacts_sha256 ON artifacts (sha256);

CREATE TABLE blobs (
  id INTEGER PRIMARY KEY,
  sha256 TEXT UNIQUE,
  size INTEGER NOT NULL DEFAULT 0,
  chunk_size INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  touched_at INTEGER NOT NULL
);
CREATE INDEX blobs_pending ON blobs (created_at) WHERE sha256 IS NULL;

CREATE TABLE blob_chunks (
  blob_id INTEGER NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (blob_id, idx)
);
`,
  down: `
DROP TABLE blob_chunks;
DROP TABLE blobs;
DROP TABLE artifacts;
`,
}
