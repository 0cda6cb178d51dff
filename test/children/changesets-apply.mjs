// R2 apply child: applies plan <planId> of the store in <storeDir> to <workspace>, and SIGKILLs
// itself right before durable step number <killAt> (1-based; 0 = never). Prints "done" on success.
import { writeSync } from "node:fs"
import { openStore } from "../../dist/index.js"

const [storeDir, planId, workspace, killAtArg] = process.argv.slice(2)
const killAt = Number(killAtArg)
const store = await openStore(storeDir)
let step = 0
const onStep = (name) => {
  step++
  writeSync(1, `step ${step} ${name}\n`)
  if (step === killAt) process.kill(process.pid, "SIGKILL")
}
const report = await store.plans.apply(planId, workspace, { onStep })
await store.close()
writeSync(1, `done ${report.resumed ? "resumed" : "fresh"}\n`)
