import { dirname } from "node:path"
import { IntegrityError } from "../core/errors.js"
import type { ApplyJournal, JournalRecord } from "./apply.js"

/**
 * A journal kept in one file (written atomically), for applying changes without a store. The
 * store keeps its journal in the plan's row instead. Put the file outside the workspace. The file
 * code loads on the journal's first use.
 * @example
 * await applyChanges(dir, changes, { content, journal: fileJournal(`${dir}.apply-journal`) })
 */
export function fileJournal(path: string): ApplyJournal {
  return {
    async load() {
      let text: string
      try {
        text = await (await import("node:fs/promises")).readFile(path, "utf8")
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined
        throw error
      }
      try {
        return JSON.parse(text) as JournalRecord
      } catch (cause) {
        throw new IntegrityError(
          "the apply journal is corrupt",
          { path, dir: dirname(path) },
          cause,
        )
      }
    },
    save: async (record) =>
      (await import("./fs-safe.js")).writeAtomic(path, Buffer.from(JSON.stringify(record)), 0o600),
    finish: async () => (await import("./fs-safe.js")).removeFile(path),
    abort: async () => (await import("./fs-safe.js")).removeFile(path),
  }
}
