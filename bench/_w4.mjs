import { rmSync } from "node:fs"
import * as lib from "../dist/index.js"
import { openRaw, rawId } from "./sqlite-raw.js"

const COLS =
  "namespace, id, agent, number, title, metadata, input_tokens, output_tokens, total_tokens, usage_extra, message_count, last_sequence, created_at, updated_at"
const SQL = `INSERT INTO sessions (${COLS}) VALUES (?, ?, ?, (SELECT COALESCE(MAX(number), 0) + 1 FROM sessions WHERE namespace = ? AND agent = ?), ?, '{}', 0, 0, 0, '{}', 0, 0, ?, ?) RETURNING `
const mk = (db, ret) => {
  const st = db.prepare(SQL + ret)
  return (i) => {
    const t = Date.now()
    return st.get(
      "default",
      rawId(),
      `agent-${i % 10}`,
      "default",
      `agent-${i % 10}`,
      `S ${i}`,
      t,
      t,
    )
  }
}
const variants = {
  auto: (db) => mk(db, "number"),
  autoAll: (db) => mk(db, COLS),
  tx: (db) => {
    const f = mk(db, "number")
    const tx = db.transaction(f)
    return (i) => tx.immediate(i)
  },
  lib: null,
}
const fns = {},
  dbs = [],
  stores = [],
  tot = {}
for (const [name, make] of Object.entries(variants)) {
  const path = `/tmp/w4v-${name}.db`
  for (const x of ["", "-wal", "-shm"]) rmSync(path + x, { force: true })
  const s = await lib.openStore(`sqlite:${path}`)
  if (make) {
    await s.close()
    const db = openRaw(path)
    dbs.push(db)
    fns[name] = make(db)
  } else {
    stores.push(s)
    fns[name] = (i) => s.sessions.create({ agent: `agent-${i % 10}`, title: `S ${i}` })
  }
  tot[name] = 0
}
for (let r = 0; r < 40; r++)
  for (const [name, fn] of Object.entries(fns)) {
    const t = performance.now()
    for (let i = r * 100; i < r * 100 + 100; i++) await fn(i)
    tot[name] += performance.now() - t
  }
console.log(
  Object.entries(tot)
    .map(([k, v]) => `${k} ${(v / 4).toFixed(1)}us`)
    .join("  "),
)
