import type { Migration } from "../../../core/migrations.js"

/** Plans and their recorded file changes (contents live in the blob store, by hash). */
export const changesets: Migration = {
  version: 3,
  name: "changesets",
  up: `
CREATE TABLE plans (
  namespace text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  session_id text COLLATE "C",
  title text NOT NULL,
  workspace text,
  status text NOT NULL,
  changeset_id text COLLATE "C" NOT NULL,
  apply_journal text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  finished_at bigint,
  CONSTRAINT plans_pkey PRIMARY KEY (namespace, id),
  CONSTRAINT plans_session_fk FOREIGN KEY (namespace, session_id)
    REFERENCES sessions (namespace, id) ON DELETE CASCADE
);
CREATE INDEX plans_created ON plans (namespace, created_at, id);
CREATE INDEX plans_session ON plans (namespace, session_id, created_at, id);
CREATE INDEX plans_status ON plans (namespace, status, created_at, id);

CREATE TABLE changes (
  namespace text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  plan_id text COLLATE "C" NOT NULL,
  changeset_id text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  path text COLLATE "C" NOT NULL,
  op text NOT NULL,
  old_path text COLLATE "C",
  before_sha256 text COLLATE "C",
  after_sha256 text COLLATE "C",
  before_size bigint,
  after_size bigint,
  mode integer,
  tool_invocation_id text COLLATE "C",
  created_at bigint NOT NULL,
  PRIMARY KEY (namespace, id),
  CONSTRAINT changes_seq UNIQUE (namespace, plan_id, seq),
  CONSTRAINT changes_plan_fk FOREIGN KEY (namespace, plan_id)
    REFERENCES plans (namespace, id) ON DELETE CASCADE
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
