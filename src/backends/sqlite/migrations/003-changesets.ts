import type { Migration } from "../../../core/migrations.js"

/** Plans and their recorded file changes (contents live in the blob store, by hash). */
export const changesets: Migration = {
  version: 3,
  name: "changesets",
  up: `
CREATE TABLE plans (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  session_id TEXT,
  title TEXT NOT NULL,
  workspace TEXT,
  status TEXT NOT NULL,
  changeset_id TEXT NOT NULL,
  apply_journal TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER,
  PRIMARY KEY (namespace, id),
  FOREIGN KEY (namespace, session_id) REFERENCES sessions (namespace, id) ON DELETE CASCADE
);
CREATE INDEX plans_created ON plans (namespace, created_at, id);
CREATE INDEX plans_session ON plans (namespace, session_id, created_at, id);
CREATE INDEX plans_status ON plans (namespace, status, created_at, id);

CREATE TABLE changes (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  plan_id TEXT NOT NULL,
  changeset_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  path TEXT NOT NULL,
  op TEXT NOT NULL,
  old_path TEXT,
  before_sha256 TEXT,
  after_sha256 TEXT,
  before_size INTEGER,
  after_size INTEGER,
  mode INTEGER,
  tool_invocation_id TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, id),
  UNIQUE (namespace, plan_id, seq),
  FOREIGN KEY (namespace, plan_id) REFERENCES plans (namespace, id) ON DELETE CASCADE
);
CREATE INDEX changes_path ON changes (namespace, plan_id, path, seq);
CREATE INDEX changes_old_path ON changes (namespace, plan_id, old_path, seq);
CREATE INDEX changes_before ON changes (before_sha256);
CREATE INDEX changes_after ON changes (after_sha256);
`,
  down: `
DROP TABLE changes;
DROP TABLE plans;
`,
}
