import { ValidationError } from "../../index.js"

/**
 * Splits a UI message stream's SSE text (`data: {json}` events separated by blank lines, as
 * `toUIMessageStreamResponse` writes it) back into chunk objects. Comments (keep-alives) and the
 * closing `[DONE]` carry no chunk. Text may arrive cut anywhere; the rest waits in the buffer.
 */
export class SseChunkParser {
  #buffer = ""

  /** Feeds text; returns the chunks of every event it completed. */
  push(text: string): unknown[] {
    this.#buffer += text
    const chunks: unknown[] = []
    for (;;) {
      const end = /\r?\n\r?\n/.exec(this.#buffer)
      if (!end) return chunks
      const block = this.#buffer.slice(0, end.index)
      this.#buffer = this.#buffer.slice(end.index + end[0].length)
      const chunk = parseBlock(block)
      if (chunk !== undefined) chunks.push(chunk)
    }
  }

  /** Ends the text; a trailing event without its blank line still counts. */
  finish(): unknown[] {
    const rest = this.#buffer
    this.#buffer = ""
    if (rest.trim() === "") return []
    const chunk = parseBlock(rest)
    return chunk === undefined ? [] : [chunk]
  }
}

function parseBlock(block: string): unknown {
  const data: string[] = []
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith("data:")) data.push(line.slice(line.startsWith("data: ") ? 6 : 5))
  }
  if (data.length === 0) return undefined
  const text = data.join("\n")
  if (text === "[DONE]") return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new ValidationError("stream", "an SSE event holds data that is not JSON", {
      received: text.slice(0, 80),
    })
  }
}
