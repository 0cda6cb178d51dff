import type { Migration } from "../../../core/migrations.js"

/**
 * Fixed planner statistics (rows per namespace, per agent, per kind, …) for a store holding
 * millions of events, so that SQLite picks the index of the most selective filter from the
 * first row on instead of walking a whole namespace in cursor order. A later `ANALYZE`
 * replaces them with measured figures.
 */
const STATS: [table: string, index: string, stat: string][] = [
  ["sessions", "sqlite_autoindex_sessions_1", "100000 100000 1"],
  ["sessions", "sqlite_autoindex_sessions_2", "100000 100000 1000 1"],
  ["sessions", "sessions_created", "100000 100000 2 1"],
  ["sessions", "sessions_updated", "100000 100000 2 1"],
  ["sessions", "sessions_agent", "100000 100000 1000 2 1"],
  ["messages", "sqlite_autoindex_messages_1", "1000000 1000000 1"],
  ["messages", "sqlite_autoindex_messages_2", "1000000 1000000 100 1"],
  ["events", "sqlite_autoindex_events_1", "1000000 1000000 1"],
  ["events", "events_namespace", "1000000 1000000 1"],
  ["events", "events_session", "1000000 1000000 200 1"],
  ["events", "events_agent", "1000000 1000000 10000 1"],
  ["events", "events_kind", "1000000 1000000 50000 1"],
  ["events", "events_parent", "1000000 1000000 5 1"],
  ["events", "events_time", "1000000 1000000 2 1"],
  ["tool_invocations", "sqlite_autoindex_tool_invocations_1", "100000 100000 1"],
  ["tool_invocations", "tools_started", "100000 100000 2 1"],
  ["tool_invocations", "tools_session", "100000 100000 50 2 1"],
  ["tool_invocations", "tools_plan", "100000 100000 20 2 1"],
  ["tool_invocations", "tools_tool", "100000 100000 5000 2 1"],
  ["tool_invocations", "tools_status", "100000 100000 25000 2 1"],
]

const PLANNER_STATS = `
ANALYZE;
DELETE FROM sqlite_stat1 WHERE tbl IN ('sessions', 'messages', 'events', 'tool_invocations');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
${STATS.map(([table, index, stat]) => `  ('${table}', '${index}', '${stat}')`).join(",\n")};
ANALYZE sqlite_schema;
`

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
CREATE INDEX sessions_agent ON sessions (namespace, agent, created_at, id);

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
${PLANNER_STATS}`,
  down: `
DELETE FROM sqlite_stat1 WHERE tbl IN ('sessions', 'messages', 'events', 'tool_invocations');
ANALYZE sqlite_schema;
DROP TABLE tool_invocations;
DROP TABLE events;
DROP TABLE messages;
DROP TABLE sessions;
`,
}
