/**
 * The blob stores as `agentstore` exports them: their code (hashing, chunking, the file layout)
 * loads on the first call, so opening a store that never touches a blob does not load it.
 */
import { mkdir, realpath } from "node:fs"
import type { BlobOps } from "../core/artifact-backend.js"
import type { BlobStore } from "./blob-store.js"
import type { FsBlobStoreConfig } from "./fs-blob-store.js"

/**
 * Opens the in-database blob store over a backend's blob operations: blobs are rows of 1 MiB
 * chunks, so every node that reaches the database reaches the blobs (no shared disk needed).
 * Used for `:memory:` stores and for PostgreSQL deployments without a shared filesystem.
 * @example
 * const blobs = createDatabaseBlobStore(backend)
 */
export function createDatabaseBlobStore(ops: BlobOps): BlobStore {
  return lazyBlobStore("database", async () =>
    (await import("./db-blob-store.js")).createDatabaseBlobStore(ops),
  )
}

/**
 * Opens the filesystem blob store: `<root>/ab/cd/<sha256>`. A put streams into
 * `<root>/tmp/.agentstore-tmp-*`, fsyncs, renames into place and fsyncs the directory.
 * Symlinks below the root are never followed (S5): a symlinked shard directory or blob file is an
 * `IntegrityError`, never a read or write elsewhere. The root is created (and resolved) now.
 * @example
 * const blobs = await createFsBlobStore({ root: "./.agentstore/blobs" })
 * const { sha256 } = await blobs.put("hello")
 */
export async function createFsBlobStore(config: FsBlobStoreConfig): Promise<BlobStore> {
  const root = await new Promise<string>((resolve, reject) =>
    mkdir(config.root, { recursive: true }, (made) =>
      made
        ? reject(made)
        : realpath(config.root, (error, path) => (error ? reject(error) : resolve(path))),
    ),
  )
  return lazyBlobStore("fs", async () =>
    (await import("./fs-blob-store.js")).createFsBlobStore({ root }),
  )
}

/** A blob store that forwards every call to the one `load` gives, loaded on the first call. */
function lazyBlobStore(kind: BlobStore["kind"], load: () => Promise<BlobStore>): BlobStore {
  let loaded: Promise<BlobStore> | undefined
  const real = () => {
    loaded ??= load()
    return loaded
  }
  return {
    kind,
    put: async (data) => (await real()).put(data),
    get: async (sha) => (await real()).get(sha),
    async *stream(sha, range) {
      yield* (await real()).stream(sha, range)
    },
    stat: async (sha) => (await real()).stat(sha),
    has: async (sha) => (await real()).has(sha),
    delete: async (sha) => (await real()).delete(sha),
    collect: async (sha, options) => (await real()).collect(sha, options),
    async *list() {
      yield* (await real()).list()
    },
    sweep: async (olderThan) => (await real()).sweep(olderThan),
  }
}
