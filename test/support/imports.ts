import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect } from "vitest"

const ROOT = join(import.meta.dirname, "..", "..")
const HOOKS = join(import.meta.dirname, "record-imports.mjs")

/** Where a recorded process runs (the repository root by default) and what it adds to the environment. */
export interface ImportLogOptions {
  cwd?: string
  env?: Record<string, string>
}

/**
 * Runs `node --import record-imports.mjs …nodeArgs`, expects it to exit 0, and returns its import
 * log: one URL a line for each module it loaded, plus any lines it appended to `IMPORT_LOG` itself.
 */
export function importLog(nodeArgs: string[], options: ImportLogOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "agentstore-imports-"))
  try {
    const log = join(dir, "imports.log")
    const r = spawnSync(process.execPath, ["--import", HOOKS, ...nodeArgs], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env, IMPORT_LOG: log },
      encoding: "utf8",
    })
    expect(r.status, r.stderr).toBe(0)
    return readFileSync(log, "utf8")
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The import log of a fresh process running the module `script` (which imports dist/). */
export function scriptImportLog(script: string): string {
  return importLog(["--input-type=module", "-e", script])
}

/** The node_modules packages named in an import log (or part of one), sorted, each once. */
export function packagesIn(log: string): string[] {
  const names = log
    .split("\n")
    .flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? [])
  return [...new Set(names)].sort()
}
