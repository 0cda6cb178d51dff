#!/usr/bin/env node
import { COMMANDS } from "./commands/index.js"
import type { CliIo } from "./io.js"
import { runCli } from "./program.js"

// A reader that closed the pipe (`agentstore events query | head`) ends the command quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
  throw error
})
process.stderr.on("error", () => undefined)

async function ask(question: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises")
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return await rl.question(question)
  } finally {
    rl.close()
  }
}

let interrupted: Promise<void> | undefined
const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdin: process.stdin,
  ...(process.stdin.isTTY && process.stderr.isTTY ? { ask } : {}),
  interrupted: () => {
    interrupted ??= new Promise((resolve) => {
      process.once("SIGINT", () => resolve())
      process.once("SIGTERM", () => resolve())
    })
    return interrupted
  },
}

process.exitCode = await runCli(process.argv.slice(2), io, COMMANDS)
