import type { Migration } from "../../../core/migrations.js"
import { core } from "./001-core.js"
import { artifacts } from "./002-artifacts.js"
import { changesets } from "./003-changesets.js"
import { blobOwners } from "./004-blob-owners.js"
import { blobChunkHashes } from "./005-blob-chunk-hashes.js"
import { sessionOrder } from "./006-session-order.js"

/** PostgreSQL schema steps, in order. Version numbers are shared with the SQLite backend. */
export const migrations: readonly Migration[] = [
  core,
  artifacts,
  changesets,
  blobOwners,
  blobChunkHashes,
  sessionOrder,
]
