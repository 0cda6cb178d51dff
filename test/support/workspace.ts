import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { sha256 } from "../../src/changesets/fs-safe.js"
import type { ChangeRef, ContentSource } from "../../src/changesets/types.js"

/** Writes `files` (relative path → text) under `root`. */
export function writeTree(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
}

/** Every regular file under `root` (relative path → content), skipping names in `skip`. */
export function readTree(root: string, skip: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (skip.includes(name)) continue
      const abs = join(dir, name)
      const path = rel === "" ? name : `${rel}/${name}`
      const info = lstatSync(abs)
      if (info.isDirectory()) walk(abs, path)
      else out[path] = info.isSymbolicLink() ? `symlink` : readFileSync(abs, "latin1")
    }
  }
  walk(root, "")
  return out
}

/** A content source over a map filled by `hash`. */
export function memoryContent(): {
  source: ContentSource
  hash: (text: string | Uint8Array | null) => string | null
} {
  const blobs = new Map<string, Uint8Array>()
  return {
    source: async (sha) => {
      const bytes = blobs.get(sha)
      if (!bytes) throw new Error(`no blob ${sha}`)
      return bytes
    },
    hash: (text) => {
      if (text === null) return null
      const bytes = typeof text === "string" ? Buffer.from(text) : text
      const sha = sha256(bytes)
      blobs.set(sha, bytes)
      return sha
    },
  }
}

/** A change reference from texts, registering them in `hash`. */
export function refOf(
  hash: (text: string | null) => string | null,
  path: string,
  op: ChangeRef["op"],
  before: string | null,
  after: string | null,
  oldPath: string | null = null,
  mode: number | null = null,
): ChangeRef {
  return { path, op, oldPath, beforeSha256: hash(before), afterSha256: hash(after), mode }
}
