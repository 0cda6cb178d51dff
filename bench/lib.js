// Timing, statistics and reporting helpers shared by the benchmark suites.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** Milliseconds since an arbitrary origin, sub-microsecond resolution. */
export const now = () => performance.now()

/** The median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** The p-th percentile (0..100), nearest rank. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]
}

/** Rounds to a few significant digits for the report. */
export function round(value, digits = 3) {
  if (!Number.isFinite(value) || value === 0) return value
  const scale = 10 ** Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(value))))
  return Math.round(value * scale) / scale
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix = "agentstore-bench-") {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Times an async or sync function; returns elapsed milliseconds. */
export async function timed(fn) {
  const start = now()
  await fn()
  return now() - start
}

/** Runs `fn` once per sample and returns the per-call latencies in milliseconds. */
export async function latencies(samples, fn) {
  const out = new Array(samples.length)
  for (let i = 0; i < samples.length; i++) {
    const start = now()
    await fn(samples[i])
    out[i] = now() - start
  }
  return out
}

/**
 * A throughput result row: `ops` operations per repetition, elapsed milliseconds per side.
 * Ratio = agentstore / raw (higher is better).
 */
export function throughputRow(workload, backend, ops, agentMs, rawMs, extra = {}) {
  const agentstore = (ops * 1000) / median(agentMs)
  const raw = (ops * 1000) / median(rawMs)
  return {
    workload,
    backend,
    unit: "ops/s",
    agentstore: round(agentstore, 4),
    raw: round(raw, 4),
    ratio: round(agentstore / raw),
    target: 0.8,
    met: agentstore / raw >= 0.8,
    reps: agentMs.length,
    ...extra,
  }
}

/**
 * A latency result row from per-repetition values (ms). Ratio = raw / agentstore.
 */
export function latencyRow(workload, backend, unit, agentValues, rawValues, extra = {}) {
  const agentstore = median(agentValues)
  const raw = median(rawValues)
  return {
    workload,
    backend,
    unit,
    agentstore: round(agentstore),
    raw: round(raw),
    ratio: round(raw / agentstore),
    target: 0.67,
    met: raw / agentstore >= 0.67,
    reps: agentValues.length,
    ...extra,
  }
}

/** Prints result rows as an aligned text table. */
export function printTable(rows, write = (line) => process.stdout.write(`${line}\n`)) {
  const header = ["workload", "unit", "agentstore", "raw", "ratio", "met"]
  const cells = rows.map((r) => [
    r.workload,
    r.unit,
    String(r.agentstore),
    String(r.raw),
    String(r.ratio),
    r.met === undefined ? "" : r.met ? "yes" : "NO",
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const line = (c) => c.map((v, i) => v.padEnd(widths[i])).join("  ")
  write(line(header))
  for (const c of cells) write(line(c))
}

/** Logs progress to stderr so stdout stays a clean table. */
export function log(message) {
  process.stderr.write(`[bench] ${message}\n`)
}
