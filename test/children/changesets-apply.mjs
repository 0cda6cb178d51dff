// R2 apply child: applies plan <planId> of the store in <storeDir> to <workspace>, and SIGKILLs
// itself right before durable step number <killAt> (1-based; 0 = never). Prints "done" on success.
// The steps are the apply's fault points, reached through the test-only hook module in dist/.
import { writeSync } from "node:fs"
import { setFaultHook } from "../../dist/core/fault-points.js"
import { openStore } from "../../dist/index.js"

const [storeDir, planId, workspace, killAtArg] = process.argv.slice(2)
const killAt = Number(killAtArg)
const store = await openStore(storeDir)
let step = 0
setFaultHook((point) => {
  if (!point.startsWith("apply:")) return
  step++
  writeSync(1, `step ${step} ${point}\n`)
  if (step === killAt) process.kill(process.pid, "SIGKILL")
})
const report = await store.plans.apply(planId, workspace)
await store.close()
writeSync(1, `done ${report.resumed ? "resumed" : "fresh"}\n`)
