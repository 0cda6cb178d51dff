/**
 * Entry points whose implementations load on first call, so `import "agentstore"` stays cheap:
 * bundles pull in `node:zlib`, drilldown its selectors, and friends, applying changes pulls in the safe-write helpers.
 */
import type * as DrilldownModule from "./artifacts/drilldown.js"
import type * as ExportModule from "./bundles/export.js"
import type * as ImportModule from "./bundles/import.js"
import type * as ApplyModule from "./changesets/apply.js"

/**
 * Streams a bundle of `store`'s namespace to `destination`: a header, the records of every
 * domain paged by cursor, and a trailer with the SHA-256 of everything before it.
 * @example
 * await exportBundle(store, createWriteStream("backup.ndjson.gz"), { gzip: true })
 */
export const exportBundle: typeof ExportModule.exportBundle = async (...args) =>
  (await import("./bundles/export.js")).exportBundle(...args)

/**
 * Imports a bundle into a store after verifying all of it; a tampered, truncated or hostile
 * bundle raises `IntegrityError` with 0 rows written.
 * @example
 * await importBundle(store, createReadStream("backup.ndjson.gz"), { namespace: "restored" })
 */
export const importBundle: typeof ImportModule.importBundle = async (...args) =>
  (await import("./bundles/import.js")).importBundle(...args)

/**
 * Applies net changes to a workspace directory atomically per file, refusing with
 * `ConflictError` when the workspace no longer matches the recorded base (unless `force`).
 */
export const applyChanges: typeof ApplyModule.applyChanges = async (...args) =>
  (await import("./changesets/apply.js")).applyChanges(...args)

/**
 * Reads a slice of `source` as `selector` asks, streaming where the selector allows; the output
 * depends only on the bytes, so every backend returns the same.
 */
export const drilldown: typeof DrilldownModule.drilldown = async (...args) =>
  (await import("./artifacts/drilldown.js")).drilldown(...args)
