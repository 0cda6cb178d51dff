import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dirname, "..", "..")
/** The built CLI (`AGENTSTORE_TEST_BIN` points the tests at another build, e.g. main's). */
export const BIN = process.env.AGENTSTORE_TEST_BIN ?? join(root, "dist", "cli", "main.js")

/** What a CLI run produced. */
export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Splits a hint the CLI printed (`agentstore a 'b c'`) into its words, as a shell would. */
export function shellWords(line: string): string[] {
  const words: string[] = []
  for (const m of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g))
    words.push(m[1] ?? m[2] ?? m[3] ?? "")
  return words
}

/** The argv of every `more: agentstore …` hint in `stdout` (without the program name). */
export function moreHints(stdout: string): string[][] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("more: agentstore "))
    .map((l) => shellWords(l.slice("more: agentstore ".length)))
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
