import { type ChildProcess, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dirname, "..", "..")

/** True when the reliability programs should run with their soak sizes (`npm run soak`). */
export const soak = process.env.AGENTSTORE_SOAK === "1"

/** A count from the environment (`name`), else the soak or CI figure. */
export function sizeFromEnv(name: string, ci: number, soakSize: number): number {
  const raw = process.env[name]
  if (raw !== undefined && /^\d+$/.test(raw)) return Number(raw)
  return soak ? soakSize : ci
}

/** A small seeded PRNG (mulberry32) so a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The seed of this run: `AGENTSTORE_SEED` when set, else a fresh one. */
export function runSeed(): number {
  const raw = process.env.AGENTSTORE_SEED
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : Date.now() % 2 ** 31
}

/** A child program running against the built package in `dist/`. */
export interface Child {
  readonly process: ChildProcess
  /** Everything it wrote to stderr so far. */
  stderr(): string
  /** Resolves when the process is gone and its output is fully read. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Sends one line to its stdin. */
  send(line: string): void
}

/** Starts `test/children/<script>` with node; `onLine` gets each complete stdout line. */
export function startChild(script: string, args: string[], onLine: (line: string) => void): Child {
  if (!existsSync(join(root, "dist", "index.js"))) {
    throw new Error("dist/ is missing: build with `npx tsc -p tsconfig.build.json` first")
  }
  const child = spawn(process.execPath, [join(root, "test", "children", script), ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  })
  let pending = ""
  let stderr = ""
  child.stdout.setEncoding("utf8")
  child.stdout.on("data", (chunk: string) => {
    pending += chunk
    for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
      onLine(pending.slice(0, nl))
      pending = pending.slice(nl + 1)
    }
  })
  child.stderr.setEncoding("utf8")
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk
  })
  child.stdin.on("error", () => {})
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal }))
  })
  return {
    process: child,
    stderr: () => stderr,
    closed,
    send: (line) => {
      if (child.stdin.writable) child.stdin.write(`${line}\n`)
    },
  }
}
