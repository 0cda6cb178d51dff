import { type ChildProcess, spawn } from "node:child_process"
import { accessSync, constants } from "node:fs"
import { delimiter, join } from "node:path"
import type { CliIo, CliOutput } from "./io.js"

function onPath(name: string, path: string | undefined): boolean {
  for (const dir of (path ?? "").split(delimiter)) {
    if (dir === "") continue
    try {
      accessSync(join(dir, name), constants.X_OK)
      return true
    } catch {}
  }
  return false
}

/**
 * The pager for this run, or undefined: none without a terminal on stdout or with
 * `--no-pager`; else `AGENTSTORE_PAGER`, else `PAGER` (empty or `cat` turn paging off), else
 * `less -FRX` when `less` is on the PATH.
 */
export function choosePager(io: CliIo, wanted: boolean): string | undefined {
  if (!wanted || io.stdout.isTTY !== true) return undefined
  const chosen = io.env.AGENTSTORE_PAGER ?? io.env.PAGER
  if (chosen !== undefined) {
    const command = chosen.trim()
    return command === "" || command === "cat" ? undefined : command
  }
  return onPath("less", io.env.PATH) ? "less -FRX" : undefined
}

function brokenPipe(): NodeJS.ErrnoException {
  return Object.assign(new Error("the pager has exited"), { code: "EPIPE" })
}

/** Output that goes to the terminal, or through a pager once it outgrows the terminal. */
export interface PagedOutput extends CliOutput {
  /** Flushes what is held back, or ends the pager's input and waits for the pager to exit. */
  finish(): Promise<void>
}

/**
 * Holds output back until it has more lines than the terminal has rows; then starts `command`
 * (through the shell, as git does) and streams everything into it. Output that fits is
 * written to the terminal unchanged when the command finishes.
 */
export function pagedOutput(io: CliIo, command: string): PagedOutput {
  const limit = Math.max(1, (io.stdout.rows || 24) - 1)
  const held: (string | Uint8Array)[] = []
  let lines = 0
  let child: ChildProcess | undefined
  let closed = false
  const ignoreInterrupt = () => undefined
  const start = () => {
    process.on("SIGINT", ignoreInterrupt)
    child = spawn(command, {
      shell: true,
      stdio: ["pipe", "inherit", "inherit"],
      env: { LESS: "FRX", ...io.env },
    })
    child.stdin?.on("error", () => {
      closed = true
    })
    for (const chunk of held.splice(0)) child.stdin?.write(chunk)
  }
  return {
    isTTY: true,
    ...(io.stdout.rows === undefined ? {} : { rows: io.stdout.rows }),
    write(text: string | Uint8Array) {
      if (closed) throw brokenPipe()
      if (child) return child.stdin?.write(text)
      held.push(text)
      lines += countLines(text)
      if (lines > limit) start()
      return true
    },
    async finish() {
      if (!child) {
        for (const chunk of held.splice(0)) io.stdout.write(chunk as string)
        return
      }
      const exited = new Promise((resolve) => child?.once("close", resolve))
      child.stdin?.end()
      await exited
      process.off("SIGINT", ignoreInterrupt)
    },
  }
}

function countLines(text: string | Uint8Array): number {
  let n = 0
  if (typeof text === "string") {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++
  } else {
    for (const byte of text) if (byte === 10) n++
  }
  return n
}
