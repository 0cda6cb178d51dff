import type { Migration } from "../../../core/migrations.js"

/**
 * Sessions, messages, events and tool invocations. JSON payloads are `text` (exact bytes,
 * `\u0000` escapes kept; `jsonb` would refuse them); labels compare bytewise (`COLLATE "C"`),
 * like SQLite. `event_counters` hands out event cursors in commit order (see docs/postgres.md).
 */
export const core: Migration = {
  version: 1,
  name: "core",
  up: `
CREATE TABLE sessions (
  namespace text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  agent text COLLATE "C" NOT NULL,
  number bigint NOT NULL,
  title text,
  metadata text NOT NULL,
  input_tokens bigint NOT NULL DEFAULT 0,
  output_tokens bigint NOT NULL DEFAULT 0,
  total_tokens bigint NOT NULL DEFAULT 0,
  usage_extra text NOT NULL DEFAULT '{}',
  message_count bigint NOT NULL DEFAULT 0,
  last_sequence bigint NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (namespace, id),
  CONSTRAINT sessions_agent_number UNIQUE (namespace, agent, number)
);
CREATE INDEX sessions_created ON sessions (namespace, created_at, id);
CREATE INDEX sessions_updated ON sessions (namespace, updated_at, id);

CREATE TABLE messages (
  namespace text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  session_id text COLLATE "C" NOT NULL,
  sequence bigint NOT NULL,
  role text COLLATE "C" NOT NULL,
  content text NOT NULL,
  name text,
  tool_call_id text,
  usage text,
  metadata text NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (namespace, id),
  CONSTRAINT messages_sequence UNIQUE (namespace, session_id, sequence),
  CONSTRAINT messages_session_fk FOREIGN KEY (namespace, session_id)
    REFERENCES sessions (namespace, id) ON DELETE CASCADE
);

CREATE TABLE event_counters (
  namespace text COLLATE "C" PRIMARY KEY,
  last_cursor bigint NOT NULL
);

CREATE TABLE events (
  cursor bigint NOT NULL,
  namespace text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL,
  data text NOT NULL,
  text text,
  session_id text COLLATE "C",
  agent text COLLATE "C",
  parent_id text COLLATE "C",
  artifact_ref text,
  time bigint NOT NULL,
  PRIMARY KEY (namespace, cursor),
  CONSTRAINT events_id UNIQUE (namespace, id),
  CONSTRAINT events_session_fk FOREIGN KEY (namespace, session_id)
    REFERENCES sessions (namespace, id) ON DELETE CASCADE
);
CREATE INDEX events_session ON events (namespace, session_id, cursor);
CREATE INDEX events_agent ON events (namespace, agent, cursor);
CREATE INDEX events_kind ON events (namespace, kind, cursor);
CREATE INDEX events_parent ON events (namespace, parent_id, cursor);
CREATE INDEX events_time ON events (namespace, time, cursor);

CREATE TABLE tool_invocations (
  namespace text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  tool text COLLATE "C" NOT NULL,
  status text COLLATE "C" NOT NULL,
  arguments text NOT NULL,
  result text,
  error text,
  session_id text COLLATE "C",
  plan_id text COLLATE "C",
  changeset_id text COLLATE "C",
  change_ids text NOT NULL,
  resource_refs text NOT NULL,
  provider_metadata text NOT NULL,
  started_at bigint NOT NULL,
  finished_at bigint,
  duration_ms bigint,
  PRIMARY KEY (namespace, id),
  CONSTRAINT tools_session_fk FOREIGN KEY (namespace, session_id)
    REFERENCES sessions (namespace, id) ON DELETE CASCADE
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
DROP TABLE event_counters;
DROP TABLE messages;
DROP TABLE sessions;
`,
}
