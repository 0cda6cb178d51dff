import { once } from "node:events"
import { resolve } from "node:path"
import type { Writable } from "node:stream"
import type { Store } from "../../core/store.js"
import { openOutput } from "../files.js"
import { printJson } from "../format.js"
import type { CliCommand, CliIo, CliOutput } from "../io.js"
import { withStore } from "../store.js"

/** Streams the content into `out`, waiting for `drain` where `out` is a stream that asks. */
async function copy(store: Store, handle: string, out: CliOutput | Writable): Promise<void> {
  for await (const chunk of store.artifacts.stream(handle)) {
    const more = out.write(Buffer.from(chunk) as never)
    if (more === false && "once" in out) await once(out, "drain")
  }
}

async function collect(store: Store, handle: string): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const chunk of store.artifacts.stream(handle)) parts.push(chunk)
  return Buffer.concat(parts)
}

/** Text when the bytes are valid UTF-8 without NUL, else base64: JSON never holds raw bytes. */
export function encodeContent(bytes: Buffer): { encoding: "utf8" | "base64"; content: string } {
  if (!bytes.includes(0)) {
    try {
      return { encoding: "utf8", content: new TextDecoder("utf-8", { fatal: true }).decode(bytes) }
    } catch {}
  }
  return { encoding: "base64", content: bytes.toString("base64") }
}

async function toFile(store: Store, handle: string, io: CliIo, file: string): Promise<string> {
  const path = resolve(io.cwd ?? process.cwd(), file)
  const out = await openOutput(path)
  try {
    await copy(store, handle, out)
    out.end()
    await once(out, "finish")
  } catch (error) {
    out.destroy()
    throw error
  }
  return path
}

/**
 * `agentstore artifacts get <handle> [-o FILE]`: the content, hash-verified, to stdout or a
 * file. With `--json`: the metadata with `encoding` and `content` (or `file` with `-o`).
 */
export const artifactsGet: CliCommand = {
  options: [{ flags: "-o, --output <file>", description: "write here instead of stdout" }],
  async run(args, io) {
    const handle = args.positionals[0] as string
    const output = typeof args.options.output === "string" ? args.options.output : undefined
    await withStore(args, async (store) => {
      const ref = await store.artifacts.head(handle)
      if (output !== undefined) {
        const file = await toFile(store, handle, io, output)
        if (args.global.json) printJson(io, { ...ref, file })
      } else if (args.global.json) {
        printJson(io, { ...ref, ...encodeContent(await collect(store, handle)) })
      } else {
        await copy(store, handle, io.stdout)
      }
    })
    return 0
  },
}
