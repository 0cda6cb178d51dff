import type { Migration } from "../../../core/migrations.js"

/**
 * Indexes for one agent's sessions in `createdAt` and in `updatedAt` order, so every order the
 * session listing offers (created or updated, ascending or descending, with or without `agent`)
 * is read from an index page by page instead of sorting the agent's sessions on each page.
 */
export const sessionOrder: Migration = {
  version: 6,
  name: "session-order",
  up: `
CREATE INDEX sessions_agent ON sessions (namespace, agent, created_at, id);
CREATE INDEX sessions_agent_updated ON sessions (namespace, agent, updated_at, id);
`,
  down: `
DROP INDEX sessions_agent_updated;
DROP INDEX sessions_agent;
`,
}
