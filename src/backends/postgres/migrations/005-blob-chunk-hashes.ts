import type { Migration } from "../../../core/migrations.js"

/**
 * A SHA-256 per stored chunk of the in-database blob store, checked on every chunk read, so a
 * partial read is verified too. Chunks written before this step have none (NULL).
 */
export const blobChunkHashes: Migration = {
  version: 5,
  name: "blob-chunk-hashes",
  up: 'ALTER TABLE blob_chunks ADD COLUMN sha256 text COLLATE "C";',
  down: "ALTER TABLE blob_chunks DROP COLUMN sha256;",
}
