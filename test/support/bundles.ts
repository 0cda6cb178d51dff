import { Readable, Writable } from "node:stream"
import { type ExportOptions, exportBundle } from "../../src/bundles/export.js"
import type { Store } from "../../src/core/store.js"

/** Exports into memory. */
export async function exportToBuffer(store: Store, options: ExportOptions = {}): Promise<Buffer> {
  const chunks: Buffer[] = []
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(Buffer.from(chunk))
      callback()
    },
  })
  await exportBundle(store, sink, options)
  return Buffer.concat(chunks)
}

/** A bundle's bytes as a source for `importBundle`. */
export function source(bytes: Buffer): Readable {
  return Readable.from([bytes])
}

/** Rows in a namespace, per domain. */
export async function rowCounts(store: Store): Promise<number[]> {
  const sessions = await store.sessions.list({ limit: 1000, total: true })
  const tools = await store.tools.list({ limit: 1000 })
  let messages = 0
  for (const s of sessions.items) messages += await store.messages.count(s.id)
  return [sessions.total ?? 0, messages, await store.events.count(), tools.items.length]
}

/** Every record of a namespace with ids replaced by their position (S0, M3, E5…) and no namespace or cursor. */
export async function canonical(store: Store): Promise<unknown> {
  const sessions = (await store.sessions.list({ limit: 1000 })).items.sort((a, b) =>
    a.agent === b.agent ? a.number - b.number : a.agent < b.agent ? -1 : 1,
  )
  const messages = []
  for (const s of sessions)
    messages.push(...(await store.messages.list(s.id, { limit: 1000 })).messages)
  const events = (await store.events.query({ limit: 1000 })).events
  const tools = (await store.tools.list({ limit: 1000, order: "asc" })).items
  const ids = new Map<string, string>()
  const number = (prefix: string, list: { id: string }[]) => {
    for (const [i, item] of list.entries()) ids.set(item.id, `${prefix}${i}`)
  }
  number("S", sessions)
  number("M", messages)
  number("E", events)
  number("T", tools)
  const id = (v: string | null) => (v === null ? null : (ids.get(v) ?? `?${v}`))
  return {
    sessions: sessions.map(({ namespace: _, ...s }) => ({ ...s, id: id(s.id) })),
    messages: messages.map((m) => ({ ...m, id: id(m.id), sessionId: id(m.sessionId) })),
    events: events.map(({ namespace: _, cursor: __, ...e }) => ({
      ...e,
      id: id(e.id),
      sessionId: id(e.sessionId),
      parentId: id(e.parentId),
    })),
    tools: tools.map(({ namespace: _, ...t }) => ({
      ...t,
      id: id(t.id),
      sessionId: id(t.sessionId),
    })),
  }
}

/** Fills a namespace with varied records: awkward strings, parents, agent-level events, tools. */
export async function seedVaried(store: Store, sessions = 12): Promise<void> {
  const agents = ["planner", "coder", "reviewer"]
  for (let i = 0; i < sessions; i++) {
    const s = await store.sessions.create({
      agent: agents[i % 3] as string,
      title: i % 4 === 0 ? null : `session ${i} — ünïcödé 🚀`,
      metadata: { i, tags: ["a", "b"], nested: { deep: [1, { x: null }] } },
    })
    await store.messages.appendMany(s.id, [
      { role: "system", content: "nul \u0000 and lone \ud800 surrogate" },
      {
        role: "user",
        content: [{ type: "text", text: `hello ${i}` }],
        usage: { input: 3, output: 0 },
      },
      { role: "assistant", content: "ok", name: "bot", toolCallId: "call-1", metadata: { m: i } },
    ])
    await store.sessions.addUsage(s.id, {
      input: 10 * i,
      output: i,
      total: 11 * i,
      extra: { cacheRead: i },
    })
    const root = await store.events.append({
      kind: "prompt_sent",
      sessionId: s.id,
      agent: s.agent,
      data: { i },
    })
    await store.events.appendMany([
      {
        kind: "output",
        sessionId: s.id,
        parentId: root.id,
        text: "line\nbreak \u0000",
        data: [1.5, -2, "x"],
      },
      {
        kind: "tool_use",
        sessionId: s.id,
        artifactRef: `blob-${i}`,
        time: Date.UTC(2025, 0, 1) + i,
      },
    ])
    await store.tools.record({
      tool: "bash",
      sessionId: s.id,
      arguments: { cmd: `echo ${i}` },
      status: i % 2 ? "succeeded" : "failed",
      ...(i % 2 ? { result: { out: String(i) } } : { error: { message: "boom" } }),
      providerMetadata: { model: "m" },
      resourceRefs: [{ uri: "file:///x" }],
    })
  }
  await store.events.append({ kind: "context_cleared", agent: "coder", data: { reason: "reset" } })
  await store.tools.start({ tool: "long_running", arguments: null })
}
