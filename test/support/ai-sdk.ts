import type { LanguageModelV3StreamPart } from "@ai-sdk/provider"
import { MockLanguageModelV3, simulateReadableStream } from "ai/test"

const USAGE = {
  inputTokens: { total: 12, noCache: 12, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 7, text: 7, reasoning: undefined },
}

/** One model turn that answers `text`, streamed in `pieces` deltas. */
export function textTurn(text: string, pieces = 4): LanguageModelV3StreamPart[] {
  const size = Math.ceil(text.length / pieces)
  const deltas: LanguageModelV3StreamPart[] = []
  for (let i = 0; i < text.length; i += size) {
    deltas.push({ type: "text-delta", id: "t1", delta: text.slice(i, i + size) })
  }
  return [
    { type: "stream-start", warnings: [] },
    { type: "text-start", id: "t1" },
    ...deltas,
    { type: "text-end", id: "t1" },
    { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage: USAGE },
  ]
}

/** One model turn that calls a tool. */
export function toolTurn(toolCallId: string, toolName: string, input: unknown) {
  const parts: LanguageModelV3StreamPart[] = [
    { type: "stream-start", warnings: [] },
    { type: "tool-call", toolCallId, toolName, input: JSON.stringify(input) },
    { type: "finish", finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage: USAGE },
  ]
  return parts
}

/** The SDK's mock model, answering each call with the next scripted turn. */
export function scriptedModel(
  turns: LanguageModelV3StreamPart[][],
  chunkDelayInMs: number | null = null,
): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    doStream: turns.map((chunks) => ({
      stream: simulateReadableStream({ chunks, chunkDelayInMs }),
    })),
  })
}

/** Reads a whole stream into an array. */
export async function drain<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = []
  for await (const value of stream as unknown as AsyncIterable<T>) out.push(value)
  return out
}
