// Module hooks that record every module a process loads, one URL a line, in $IMPORT_LOG.
import { appendFileSync } from "node:fs"

export async function load(url, context, next) {
  if (process.env.IMPORT_LOG) appendFileSync(process.env.IMPORT_LOG, `${url}\n`)
  return next(url, context)
}
