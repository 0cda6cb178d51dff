// Opens (and so migrates) one SQLite file from its own process, starting when told to.
// argv: <path to dist/index.js> <database file>. Prints the migration status as JSON.
import { createInterface } from "node:readline"

const [entry, path] = process.argv.slice(2)
const { createSqliteBackend } = await import(entry)
process.stdout.write("ready\n")
await new Promise((resolve) => createInterface({ input: process.stdin }).once("line", resolve))
try {
  const backend = await createSqliteBackend({ path })
  const status = await backend.migrationStatus()
  await backend.close()
  process.stdout.write(`${JSON.stringify({ ok: true, status })}\n`)
} catch (error) {
  process.stdout.write(
    `${JSON.stringify({ ok: false, code: error.code, message: error.message })}\n`,
  )
}
process.exit(0)
