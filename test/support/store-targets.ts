import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { it } from "vitest"
import { openStore, type Store } from "../../src/index.js"
import { dropSchema, freshSchema, PG_URL, pgAvailable } from "./postgres.js"

/** A store a suite runs against, opened by URL, and how to remove what it left behind. */
export type StoreTarget = { name: string; open(): Promise<Store>; cleanup(): Promise<void> }

/**
 * A SQLite file in a new temporary folder named after `tag`, and a fresh PostgreSQL schema when
 * the test server is reachable; when it is not, registers a skipped test titled `skipped`.
 */
export function storeTargets(tag: string, skipped: string): StoreTarget[] {
  const dir = mkdtempSync(join(tmpdir(), `agentstore-${tag}-`))
  const schema = freshSchema()
  const targets: StoreTarget[] = [
    {
      name: "sqlite file",
      open: () => openStore(`sqlite:${join(dir, "chats.db")}`),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    },
  ]
  if (pgAvailable) {
    targets.push({
      name: "postgres",
      open: () => openStore(`${PG_URL}?schema=${schema}`),
      cleanup: () => dropSchema(schema),
    })
  } else {
    it.skip(skipped, () => {})
  }
  return targets
}
