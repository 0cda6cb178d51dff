import type { Migration } from "../../../core/migrations.js"

/**
 * An index for one agent's sessions in `updatedAt` order, so every order the session listing
 * offers (created or updated, ascending or descending, with or without `agent`) is read from an
 * index page by page instead of sorting the agent's sessions on each page. Its planner row
 * matches `sessions_agent` of the core step.
 */
export const sessionOrder: Migration = {
  version: 6,
  name: "session-order",
  up: `
CREATE INDEX sessions_agent_updated ON sessions (namespace, agent, updated_at, id);
DELETE FROM sqlite_stat1 WHERE tbl = 'sessions' AND idx = 'sessions_agent_updated';
INSERT INTO sqlite_stat1 (tbl, idx, stat)
  SELECT 'sessions', 'sessions_agent_updated', stat FROM sqlite_stat1
  WHERE tbl = 'sessions' AND idx = 'sessions_agent';
ANALYZE sqlite_schema;
`,
  down: `
DELETE FROM sqlite_stat1 WHERE tbl = 'sessions' AND idx = 'sessions_agent_updated';
DROP INDEX sessions_agent_updated;
ANALYZE sqlite_schema;
`,
}
