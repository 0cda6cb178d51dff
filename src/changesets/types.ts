/** What a change does to a path. */
export type ChangeOp = "create" | "modify" | "delete" | "rename"

/** A change reduced to hashes: what `net`, `apply` and the backends move around. */
export interface ChangeRef {
  /** Normalised relative POSIX path after the change (for `delete`, the deleted path). */
  path: string
  op: ChangeOp
  /** For `rename`: the path before. Otherwise `null`. */
  oldPath: string | null
  /** SHA-256 (hex) of the content before; `null` when the path did not exist. */
  beforeSha256: string | null
  /** SHA-256 (hex) of the content after; `null` when the path no longer exists. */
  afterSha256: string | null
  /** Permission bits after the change (`0o644`, `0o755`); `null` for a delete or unknown. */
  mode: number | null
}

/** A change with its contents, as the diff and summary functions read it. */
export interface ChangeContent extends ChangeRef {
  before: Uint8Array | null
  after: Uint8Array | null
  /** Permission bits before, when known. */
  oldMode?: number | null
}

/** Reads content by hash (the blob store, or a map in tests). */
export type ContentSource = (sha256: string) => Promise<Uint8Array>
