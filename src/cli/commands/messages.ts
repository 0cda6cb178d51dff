import { ValidationError } from "../../core/errors.js"
import type { Json, Message } from "../../core/types.js"
import { brief, printJson, table } from "../format.js"
import { moreHint } from "../hints.js"
import type { CliCommand } from "../io.js"
import { intOption, jsonOption, limitOption, pageLimit } from "../parse.js"
import { withStore } from "../store.js"
import { clock, timeHeader } from "../time.js"

/** Text of a message's content for a table: strings as they are, a part or parts by their text. */
export function contentText(content: Json): string {
  if (typeof content === "string") return content
  if (isTextPart(content)) return content.text
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        part && typeof part === "object" && !Array.isArray(part) && typeof part.text === "string"
          ? part.text
          : brief(part),
      )
      .join(" ")
  }
  return brief(content)
}

function isTextPart(content: Json): content is { text: string } {
  return (
    content !== null &&
    typeof content === "object" &&
    !Array.isArray(content) &&
    typeof content.text === "string"
  )
}

/** `agentstore messages list <session>`. */
export const messagesList: CliCommand = {
  options: [
    { flags: "--latest <n>", description: "only the newest n messages (1-1000)" },
    { flags: "--after <sequence>", description: "only messages after this sequence" },
    { flags: "--before <sequence>", description: "only messages before this sequence" },
    limitOption("100"),
  ],
  async run(args, io) {
    const o = args.options
    const sessionId = args.positionals[0] as string
    const latest = intOption("latest", o.latest, 1, 1000)
    const after = intOption("after", o.after, 0, Number.MAX_SAFE_INTEGER)
    const before = intOption("before", o.before, 0, Number.MAX_SAFE_INTEGER)
    const page = await withStore(args, (store) =>
      store.messages.list(sessionId, {
        ...(latest === undefined ? { limit: pageLimit(o.limit) } : { latest }),
        ...(after === undefined ? {} : { after }),
        ...(before === undefined ? {} : { before }),
      }),
    )
    if (args.global.json) {
      printJson(io, page)
      return 0
    }
    if (page.messages.length === 0) {
      io.stdout.write("no messages\n")
      return 0
    }
    io.stdout.write(
      table(
        ["SEQ", "ROLE", timeHeader(io, "TIME"), "TOKENS", "CONTENT"],
        page.messages.map((m: Message) => [
          String(m.sequence),
          m.name ? `${m.role}:${m.name}` : m.role,
          clock(io, m.createdAt),
          m.usage ? String((m.usage.input ?? 0) + (m.usage.output ?? 0)) : "-",
          contentText(m.content),
        ]),
        80,
      ),
    )
    if (page.hasMore && page.nextCursor !== undefined) {
      const flag = latest === undefined ? "--after" : "--before"
      moreHint(io, args, [flag], [flag, String(page.nextCursor)])
    }
    return 0
  },
}

async function readAll(input: AsyncIterable<Buffer | string> | undefined): Promise<string> {
  if (!input) throw new ValidationError("--content", "is required (or pipe the content on stdin)")
  const parts: Buffer[] = []
  for await (const chunk of input) parts.push(Buffer.from(chunk))
  return Buffer.concat(parts).toString("utf8")
}

/** `agentstore messages append <session> --role R (--content TEXT | --content-json JSON | stdin)`. */
export const messagesAppend: CliCommand = {
  options: [
    { flags: "--role <role>", description: "user, assistant, system, tool…", default: "user" },
    { flags: "--content <text>", description: "the message text (else read from stdin)" },
    { flags: "--content-json <json>", description: "structured content as JSON" },
    { flags: "--name <name>", description: "the author's name" },
    {
      flags: "--expected-sequence <n>",
      description: "fail with a conflict unless this is the last sequence",
    },
  ],
  async run(args, io) {
    const o = args.options
    const sessionId = args.positionals[0] as string
    let content: Json
    if (typeof o.contentJson === "string")
      content = jsonOption("content-json", o.contentJson) as Json
    else if (typeof o.content === "string") content = o.content
    else content = await readAll(io.stdin)
    const expected = intOption("expected-sequence", o.expectedSequence, 0, Number.MAX_SAFE_INTEGER)
    const message = await withStore(args, (store) =>
      store.messages.append(
        sessionId,
        { role: String(o.role), content, ...(typeof o.name === "string" ? { name: o.name } : {}) },
        expected === undefined ? {} : { expectedSequence: expected },
      ),
    )
    if (args.global.json) printJson(io, message)
    else io.stdout.write(`appended message ${message.sequence} (${message.id})\n`)
    return 0
  },
}
