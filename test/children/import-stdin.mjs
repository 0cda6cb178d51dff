// Import child: imports the bundle it reads on stdin into the store in <storeDir>, staging under
// <tempDir>, and prints "done <events>" once the import is acknowledged.
import { writeSync } from "node:fs"
import { importBundle, openStore } from "../../dist/index.js"

const [storeDir, tempDir] = process.argv.slice(2)
const store = await openStore(storeDir)
const result = await importBundle(store, process.stdin, {
  tempDir,
  namespace: `child-${process.pid}`,
})
await store.close()
writeSync(1, `done ${result.counts.event}\n`)
