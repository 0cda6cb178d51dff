import type { Migration } from "../../../core/migrations.js"

/** Artifact refs, and the chunked blob tables of the in-database blob store. */
export const artifacts: Migration = {
  version: 2,
  name: "artifacts",
  up: `
CREATE TABLE artifacts (
  namespace text COLLATE "C" NOT NULL,
  handle text COLLATE "C" NOT NULL,
  sha256 text COLLATE "C" NOT NULL,
  size bigint NOT NULL,
  media_type text COLLATE "C" NOT NULL,
  label text COLLATE "C",
  metadata text NOT NULL,
  session_id text COLLATE "C",
  tool_invocation_id text COLLATE "C",
  created_at bigint NOT NULL,
  PRIMARY KEY (namespace, handle),
  CONSTRAINT artifacts_session_fk FOREIGN KEY (namespace, session_id)
    REFERENCES sessions (namespace, id) ON DELETE CASCADE
);
CREATE INDEX artifacts_created ON artifacts (namespace, created_at, handle);
CREATE INDEX artifacts_session ON artifacts (namespace, session_id, created_at, handle);
CREATE INDEX artifacts_media_type ON artifacts (namespace, media_type, created_at, handle);
CREATE INDEX artifacts_label ON artifacts (namespace, label, created_at, handle);
CREATE INDEX artifacts_sha256 ON artifacts (sha256);

CREATE TABLE blobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sha256 text COLLATE "C",
  size bigint NOT NULL DEFAULT 0,
  chunk_size bigint NOT NULL,
  created_at bigint NOT NULL,
  touched_at bigint NOT NULL,
  CONSTRAINT blobs_sha256 UNIQUE (sha256)
);
CREATE INDEX blobs_pending ON blobs (created_at) WHERE sha256 IS NULL;

CREATE TABLE blob_chunks (
  blob_id bigint NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
  idx bigint NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (blob_id, idx)
);
`,
  down: `
DROP TABLE blob_chunks;
DROP TABLE blobs;
DROP TABLE artifacts;
`,
}
