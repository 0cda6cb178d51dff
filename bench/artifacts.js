// `npm run build && node bench/artifacts.js [--quick] [--reps N]`: artifact put/get of 1 MiB and
// 100 MiB against raw `fs` write+fsync / read, and a `lines` drilldown near the end of a 100 MiB
// file against reading the whole file. Writes bench/results/artifacts.json (or .partial.json).
import { createHash } from "node:crypto"
import { closeSync, fsyncSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs"
import { join } from "node:path"
import { latencyRow, log, printTable, tempDir } from "./lib.js"

const MIB = 1024 * 1024
const quick = process.argv.includes("--quick")
const repsArg = process.argv.indexOf("--reps")
const reps = repsArg > 0 ? Number(process.argv[repsArg + 1]) : quick ? 2 : 3
const lib = await import(new URL("../dist/index.js", import.meta.url).href)

/** Text of `mib` MiB: numbered 64-byte lines, distinct per repetition so every put writes. */
function content(mib, salt) {
  const line = (i) => `${`${salt}:${String(i).padStart(12, "0")}:`.padEnd(63, "x")}\n`
  const out = Buffer.alloc(mib * MIB)
  for (let i = 0; i < out.length / 64; i++) out.write(line(i), i * 64)
  return out
}

function rawWrite(dir, name, bytes) {
  const path = join(dir, name)
  const fd = openSync(path, "w")
  for (let at = 0; at < bytes.length; at += 4 * MIB)
    writeSync(fd, bytes, at, Math.min(4 * MIB, bytes.length - at))
  fsyncSync(fd)
  closeSync(fd)
  const dirFd = openSync(dir, "r")
  fsyncSync(dirFd)
  closeSync(dirFd)
  return path
}

async function time(fn) {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

async function putGet(store, backend, dir, mib) {
  const put = [],
    rawPut = [],
    get = [],
    rawGet = []
  const n = mib <= 1 ? reps * 10 : reps
  for (let r = 0; r < n; r++) {
    const bytes = content(mib, `${backend}-${mib}-${r}`)
    let handle
    put.push(
      await time(async () => {
        handle = (await store.artifacts.put(bytes)).handle
      }),
    )
    let path
    rawPut.push(
      await time(() => {
        path = rawWrite(dir, `raw-${mib}-${r}`, bytes)
      }),
    )
    get.push(
      await time(async () => {
        const hash = createHash("sha256")
        for await (const part of store.artifacts.stream(handle)) hash.update(part)
      }),
    )
    rawGet.push(await time(() => createHash("sha256").update(readFileSync(path)).digest()))
  }
  return [
    latencyRow(`artifact put ${mib} MiB (vs fs write+fsync)`, backend, "ms", put, rawPut),
    latencyRow(
      `artifact get ${mib} MiB, streamed+hashed (vs fs read+hash)`,
      backend,
      "ms",
      get,
      rawGet,
    ),
  ]
}

async function tailLines(store, backend, dir, mib) {
  const bytes = content(mib, `tail-${backend}`)
  const { handle } = await store.artifacts.put(bytes, { mediaType: "text/plain" })
  const path = rawWrite(dir, "tail-raw", bytes)
  const drill = [],
    raw = []
  for (let r = 0; r < reps; r++) {
    drill.push(await time(() => store.artifacts.drilldown(handle, { kind: "lines", start: -10 })))
    raw.push(await time(() => readFileSync(path, "utf8").split("\n").slice(-11, -1)))
  }
  return [
    latencyRow(
      `lines {start:-10} of ${mib} MiB (vs read whole file + split)`,
      backend,
      "ms",
      drill,
      raw,
    ),
  ]
}

const rows = []
for (const storage of ["fs", "database"]) {
  const { dir, remove } = tempDir()
  const backend = `sqlite+${storage} blobs`
  try {
    const store = await lib.openStore(join(dir, "store"), { blobStorage: storage })
    for (const mib of quick ? [1, 16] : [1, 100]) {
      log(`${backend}: put/get ${mib} MiB`)
      rows.push(...(await putGet(store, backend, dir, mib)))
    }
    log(`${backend}: lines near the end`)
    rows.push(...(await tailLines(store, backend, dir, quick ? 16 : 100)))
    await store.close()
  } finally {
    remove()
  }
}
const file = new URL(`./results/artifacts${quick ? ".partial" : ""}.json`, import.meta.url)
writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`)
printTable(rows)
log(`wrote ${file.pathname}`)
