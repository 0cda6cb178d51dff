import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dirname, "..", "..")
/** The built CLI. */
export const BIN = join(root, "dist", "cli", "main.js")

/** What a CLI run produced. */
export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `node dist/cli/main.js …args` in `cwd` and collects its output. */
export function agentstore(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; input?: string | Buffer },
): Promise<CliRun> {
  if (!existsSync(BIN))
    throw new Error("dist/ is missing: build with `npx tsc -p tsconfig.build.json` first")
  const env = { ...process.env, ...options.env }
  delete env.AGENTSTORE_URL
  delete env.AGENTSTORE_NAMESPACE
  delete env.AGENTSTORE_RETENTION
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...env, ...options.env },
  })
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (s: string) => {
    stdout += s
  })
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    stderr += s
  })
  child.stdin.end(options.input ?? "")
  return new Promise((resolve, reject) => {
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })
}
