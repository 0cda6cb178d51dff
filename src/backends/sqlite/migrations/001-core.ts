import type { Migration } from "../../../core/migrations.js"

/** Sessions, messages, events and tool invocations. */
export const core: Migration = {
  version: 1,
  name: "core",
  up: `
CREATE TABLE sessions (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  agent TEXT NOT NULL,
  number INTEGER NOT NULL,
  title TEXT,
  metadata TEXT NOT NULL,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  total_tokens INTEGER NOT NULL DEFAULT 0,
  usage_extra TEXT NOT NULL DEFAULT '{}',
  message_count INTEGER NOT NULL DEFAULT 0,
  last_sequence INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, id),
  UNIQUE (namespace, agent, number)
);
CREATE INDEX sessions_created ON sessions (namespace, created_at, id);
CREATE INDEX sessions_updated ON sessions (namespace, updated_at, id);

CREATE TABLE messages (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  role TEXT NOT NULL,
  content TEXT NOT NULL,
  name TEXT,
  tool_call_id TEXT,
  usage TEXT,
  metadata TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, id),
  UNIQUE (namespace, session_id, sequence),
  FOREIGN KEY (namespace, session_id) REFERENCES sessions (namespace, id) ON DELETE CASCADE
);

CREATE TABLE events (
  cursor INTEGER PRIMARY KEY AUTOINCREMENT,
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  text TEXT,
  session_id TEXT,
  agent TEXT,
  parent_id TEXT,
  artifact_ref TEXT,
  time INTEGER NOT NULL,
  UNIQUE (namespace, id),
  FOREIGN KEY (namespace, session_id) REFERENCES sessions (namespace, id) ON DELETE CASCADE
);
CREATE INDEX events_namespace ON events (namespace, cursor);
CREATE INDEX events_session ON events (namespace, session_id, cursor);
CREATE INDEX events_agent ON events (namespace, agent, cursor);
CREATE INDEX events_kind ON events (namespace, kind, cursor);
CREATE INDEX events_parent ON events (namespace, parent_id, cursor);
CREATE INDEX events_time ON events (namespace, time, cursor);

CREATE TABLE tool_invocations (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  tool TEXT NOT NULL,
  status TEXT NOT NULL,
  arguments TEXT NOT NULL,
  result TEXT,
  error TEXT,
  session_id TEXT,
  plan_id TEXT,
  changeset_id TEXT,
  change_ids TEXT NOT NULL,
  resource_refs TEXT NOT NULL,
  provider_metadata TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  duration_ms INTEGER,
  PRIMARY KEY (namespace, id),
  FOREIGN KEY (namespace, session_id) REFERENCES sessions (namespace, id) ON DELETE CASCADE
);
CREATE INDEX tools_started ON tool_invocations (namespace, started_at, id);
CREATE INDEX tools_session ON tool_invocations (namespace, session_id, started_at, id);
CREATE INDEX tools_plan ON tool_invocations (namespace, plan_id, started_at, id);
CREATE INDEX tools_tool ON tool_invocations (namespace, tool, started_at, id);
CREATE INDEX tools_status ON tool_invocations (namespace, status, started_at, id);
`,
  down: `
DROP TABLE tool_invocations;
DROP TABLE events;
DROP TABLE messages;
DROP TABLE sessions;
`,
}
