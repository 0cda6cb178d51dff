import { spawnSync } from "node:child_process"
import { BIN } from "./cli.js"

/** One `$ agentstore …` line of a fenced block and the output printed under it. */
export interface Example {
  command: string
  output: string
}

/** A fenced block of examples: where its text sits in the markdown, and its examples. */
export interface ExampleBlock {
  start: number
  end: number
  examples: Example[]
}

/** The fenced blocks (no language) whose first line is a `$ ` command naming agentstore. */
export function exampleBlocks(markdown: string): ExampleBlock[] {
  const blocks: ExampleBlock[] = []
  let offset = 0
  let open: { start: number; plain: boolean } | undefined
  for (const line of markdown.split("\n")) {
    const next = offset + line.length + 1
    if (line.startsWith("```")) {
      if (open === undefined) open = { start: next, plain: line === "```" }
      else {
        const body = markdown.slice(open.start, offset)
        if (open.plain && /^\$ .*agentstore/.test(body))
          blocks.push({ start: open.start, end: offset, examples: parseBlock(body) })
        open = undefined
      }
    }
    offset = next
  }
  return blocks
}

function parseBlock(body: string): Example[] {
  const examples: Example[] = []
  for (const line of body.replace(/\n$/, "").split("\n")) {
    if (line.startsWith("$ ")) examples.push({ command: line.slice(2), output: "" })
    else (examples.at(-1) as Example).output += `${line}\n`
  }
  for (const e of examples) e.output = e.output.replace(/\n\n+$/, "\n")
  return examples
}

/** The text of a block: each command with its output, a blank line between examples. */
export function renderBlock(examples: Example[]): string {
  return examples.map((e) => `$ ${e.command}\n${e.output}`).join("\n")
}

/** `markdown` with every block's examples replaced by `outputs` (block by block, in order). */
export function rewrite(markdown: string, blocks: ExampleBlock[], outputs: Example[][]): string {
  let out = markdown
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i] as ExampleBlock
    out = out.slice(0, b.start) + renderBlock(outputs[i] as Example[]) + out.slice(b.end)
  }
  return out
}

/**
 * Runs one documented command line in bash, with `agentstore` (or `npx agentstore`) being
 * the built CLI, and returns what a terminal would show (stdout and stderr, interleaved).
 */
export function runExample(command: string, cwd: string, env: Record<string, string>): string {
  const line = command.replace(/\bnpx agentstore\b/g, "agentstore")
  const script = `agentstore() { "$DOC_NODE" "$DOC_BIN" "$@"; }\n{ ${line}\n} 2>&1`
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(AGENTSTORE_|FORCE_COLOR|NO_COLOR|PAGER)/.test(k),
    ),
  )
  const r = spawnSync("bash", ["--norc", "-c", script], {
    cwd,
    env: { ...clean, ...env, DOC_NODE: process.execPath, DOC_BIN: BIN },
    encoding: "utf8",
    timeout: 60_000,
  })
  if (r.error) throw r.error
  if (r.signal) throw new Error(`${command}: ended by ${r.signal}`)
  return r.stdout
}
