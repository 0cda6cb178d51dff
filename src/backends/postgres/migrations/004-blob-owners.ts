import type { Migration } from "../../../core/migrations.js"

/**
 * Which namespace supplied which blob's bytes. Blobs are shared between namespaces, so a
 * namespace may name a blob by hash only when it stored those bytes itself; existing references
 * count as such (claimed at time 0, so a collected blob's claims go at the next `gc`).
 */
export const blobOwners: Migration = {
  version: 4,
  name: "blob-owners",
  up: `
CREATE TABLE blob_owners (
  namespace text COLLATE "C" NOT NULL,
  sha256 text COLLATE "C" NOT NULL,
  claimed_at bigint NOT NULL,
  PRIMARY KEY (namespace, sha256)
);
CREATE INDEX blob_owners_sha256 ON blob_owners (sha256);
INSERT INTO blob_owners (namespace, sha256, claimed_at)
  SELECT namespace, sha256, 0 FROM artifacts
  UNION SELECT namespace, before_sha256, 0 FROM changes WHERE before_sha256 IS NOT NULL
  UNION SELECT namespace, after_sha256, 0 FROM changes WHERE after_sha256 IS NOT NULL
ON CONFLICT DO NOTHING;
`,
  down: `
DROP TABLE blob_owners;
`,
}
