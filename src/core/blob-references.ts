/**
 * Every column that holds a blob hash. A blob is kept by `gc()` while any of these columns
 * names it, on every backend: backends build their "is this blob referenced?" SQL from this list.
 * A domain that stores blob hashes adds its `{ table, column }` pairs here (and indexes the
 * column); it needs no other change to be safe from garbage collection.
 */
export interface BlobReference {
  readonly table: string
  readonly column: string
}

/** The tables and columns that keep blobs alive. */
export const BLOB_REFERENCES: readonly BlobReference[] = Object.freeze([
  { table: "artifacts", column: "sha256" },
  { table: "changes", column: "before_sha256" },
  { table: "changes", column: "after_sha256" },
])

/**
 * SQL that is true when the hash given by the SQL expression `hash` (a placeholder or a column)
 * is referenced by any row listed in `BLOB_REFERENCES`. Portable across SQLite and PostgreSQL;
 * `table` qualifies table names (a PostgreSQL schema).
 */
export function blobReferencedSql(
  hash: string,
  table: (name: string) => string = (n) => n,
): string {
  const checks = BLOB_REFERENCES.map(
    (ref) => `EXISTS (SELECT 1 FROM ${table(ref.table)} WHERE ${ref.column} = ${hash})`,
  )
  return `(${checks.join(" OR ")})`
}
