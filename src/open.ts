import { existsSync } from "node:fs"
import { join, resolve } from "node:path"
import { createFsBlobStore } from "./artifacts/lazy-blob-store.js"
import { createSqliteBackend } from "./backends/sqlite/index.js"
import type { Backend } from "./core/backend.js"
import { NotFoundError, ValidationError } from "./core/errors.js"
import { createStore, type Store, type StoreOptions } from "./core/store.js"

/** A URL with a `scheme://` prefix (anything else is a directory path). */
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i

/** Options for `openStore`. */
export interface OpenStoreOptions extends StoreOptions {
  /** `"normal"` (default) survives a process crash; `"full"` also survives power loss. */
  durability?: "normal" | "full"
  /** Bring the schema to the latest version on open. Default true. */
  migrate?: boolean
  /**
   * Where blob bytes live: `"fs"` (default for directory and `sqlite:` URLs: `<dir>/blobs/`, or
   * `<file>-blobs/` next to a `sqlite:` file) or `"database"` (default for `:memory:`).
   */
  blobStorage?: "fs" | "database"
  /**
   * Create a store on disk that does not exist yet (directories and database file). Default
   * true; with `false` a missing store raises `NotFoundError` naming its path, and nothing is
   * created (a read with a mistyped path must not leave an empty store behind).
   */
  create?: boolean
}

/** The store location used when none is given: `AGENTSTORE_URL`, else `./.agentstore`. */
export function defaultStoreUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.AGENTSTORE_URL || "./.agentstore"
}

/**
 * Opens a store from one URL: a directory (`./.agentstore` holds `store.db`),
 * `sqlite:<path-to-file>`, `:memory:`, or `postgres://…`.
 * @example
 * await using store = await openStore("./.agentstore")
 * const session = await store.sessions.create({ agent: "planner" })
 */
export async function openStore(
  url: string = defaultStoreUrl(),
  options: OpenStoreOptions = {},
): Promise<Store> {
  const { durability, migrate, blobStorage, create, ...storeOptions } = options
  if (create === false) mustExist(url)
  const backend = await openBackend(url, durability ?? "normal", migrate ?? true)
  try {
    const root = blobStorage === "database" ? undefined : blobRoot(url)
    if (blobStorage === "fs" && root === undefined) {
      throw new ValidationError("blobStorage", `"fs" needs a store on disk, not ${url}`)
    }
    if (root !== undefined && storeOptions.blobs === undefined) {
      storeOptions.blobs = await createFsBlobStore({ root })
    }
    return createStore(backend, storeOptions)
  } catch (error) {
    await backend.close()
    throw error
  }
}

/**
 * The filesystem blob root a store URL implies: `<dir>/blobs` for a directory, `<file>-blobs`
 * next to a `sqlite:` file; `undefined` for `:memory:` and server URLs (blobs in the database).
 */
export function blobRoot(url: string): string | undefined {
  if (isMemory(url)) return undefined
  if (url.startsWith("sqlite:")) return `${resolve(sqlitePath(url))}-blobs`
  if (SCHEME.test(url)) return undefined
  return join(resolve(url), "blobs")
}

/** Opens the backend a store URL names. */
export async function openBackend(
  url: string,
  durability: "normal" | "full" = "normal",
  migrate = true,
): Promise<Backend> {
  if (typeof url !== "string" || url.length === 0)
    throw new ValidationError("url", "must be a store URL")
  if (isMemory(url)) return createSqliteBackend({ path: ":memory:", durability, migrate })
  if (url.startsWith("sqlite:")) {
    const path = sqlitePath(url)
    if (path.length === 0) throw new ValidationError("url", "sqlite: needs a file path")
    return createSqliteBackend({ path: resolve(path), durability, migrate })
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    // Loaded only here, so SQLite users never load the `pg` driver.
    const { createPostgresBackend } = await import("./backends/postgres/index.js")
    return createPostgresBackend({ url, durability, migrate })
  }
  if (SCHEME.test(url)) throw new ValidationError("url", `unsupported scheme in ${url}`)
  return createSqliteBackend({ path: join(resolve(url), "store.db"), durability, migrate })
}

/** Throws `NotFoundError` when `url` names a store on disk whose database file is missing. */
function mustExist(url: string): void {
  if (typeof url !== "string" || url.length === 0 || isMemory(url)) return
  let file: string
  if (url.startsWith("sqlite:")) file = resolve(sqlitePath(url))
  else if (SCHEME.test(url)) return
  else file = join(resolve(url), "store.db")
  if (!existsSync(file)) {
    throw new NotFoundError("store", url.startsWith("sqlite:") ? file : resolve(url), {
      path: file,
      hint: "create it with `agentstore init`",
    })
  }
}

function isMemory(url: string): boolean {
  return url === ":memory:" || url === "sqlite::memory:"
}

/** The file path of a `sqlite:` URL (`sqlite:///abs` and `sqlite:/abs` name the same file). */
function sqlitePath(url: string): string {
  return url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "")
}
