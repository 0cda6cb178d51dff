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

/** Adds a plan with changes (one blob over 2 MiB), artifacts and tools and events naming them. */
export async function seedWork(store: Store): Promise<void> {
  const s = await store.sessions.create({ agent: "coder" })
  const t1 = await store.tools.record({
    tool: "edit",
    status: "succeeded",
    sessionId: s.id,
    arguments: {},
  })
  const plan = await store.plans.create({ sessionId: s.id, title: "refactor", workspace: "repo" })
  const big = Buffer.alloc(2 * 1024 * 1024 + 123, "abcdefghij")
  const changes = await store.plans.record(plan.id, [
    { path: "src/a.ts", op: "create", after: "export const a = 1\n", toolInvocationId: t1.id },
    { path: "data/big.bin", op: "modify", before: "old\n", after: big, mode: 0o644 },
    { path: "src/empty.ts", op: "create", after: "" },
  ])
  await store.tools.record({
    tool: "plan",
    status: "succeeded",
    sessionId: s.id,
    arguments: {},
    planId: plan.id,
    changesetId: (await store.backend.getPlan(store.namespace, plan.id))?.changeset_id ?? null,
    changeIds: changes.map((c) => c.id),
  })
  await store.artifacts.put("log line 1\nlog line 2\n", {
    handle: "run-1.log",
    mediaType: "text/plain",
    label: "run log",
    metadata: { exit: 0 },
    sessionId: s.id,
    toolInvocationId: t1.id,
  })
  await store.artifacts.put(new Uint8Array([0, 1, 2, 255]), { handle: "shared.raw" })
  await store.events.append({ kind: "tool_use", sessionId: s.id, artifactRef: "run-1.log" })
  const loose = await store.plans.create({ title: "no session" })
  await store.plans.record(loose.id, [{ path: "README.md", op: "create", after: "# hi\n" }])
}

/** Plans, changes and artifacts of a namespace (with their bytes), ids by position. */
export async function canonicalWork(store: Store): Promise<unknown> {
  const plans = (await store.plans.list({ limit: 1000, order: "asc" })).items
  const sessions = (await store.sessions.list({ limit: 1000, orderBy: "createdAt", order: "asc" }))
    .items
  const tools = (await store.tools.list({ limit: 1000, order: "asc" })).items
  const ids = new Map<string, string>()
  const number = (prefix: string, list: string[]) => {
    for (const [i, id] of list.entries()) ids.set(id, `${prefix}${i}`)
  }
  number(
    "S",
    sessions.map((s) => s.id),
  )
  number(
    "T",
    tools.map((t) => t.id),
  )
  number(
    "P",
    plans.map((p) => p.id),
  )
  const rows = []
  for (const p of plans) rows.push(await store.backend.getPlan(store.namespace, p.id))
  const changesetOf = new Map(rows.map((r) => [r?.id, r?.changeset_id ?? null]))
  number(
    "C",
    rows.map((r) => r?.changeset_id ?? ""),
  )
  const changes = []
  for (const p of plans) {
    const stored = await store.backend.listChanges(store.namespace, p.id)
    const entries = await store.plans.entries({ planId: p.id })
    for (const [i, c] of entries.entries()) {
      changes.push({ ...c, changesetId: stored[i]?.changeset_id ?? null })
    }
  }
  number(
    "X",
    changes.map((c) => c.id),
  )
  const id = (v: string | null) => (v === null ? null : (ids.get(v) ?? `?${v}`))
  const artifacts = (await store.artifacts.list({ limit: 1000 })).items
  const bytes = async (sha: string | null) =>
    sha === null ? null : Buffer.from(await store.blobs.get(sha)).toString("base64")
  return {
    plans: plans.map((p) => ({
      ...p,
      id: id(p.id),
      sessionId: id(p.sessionId),
      changesetId: id(changesetOf.get(p.id) ?? null),
    })),
    changes: await Promise.all(
      changes.map(async (c) => ({
        ...c,
        id: id(c.id),
        planId: id(c.planId),
        changesetId: id(c.changesetId),
        toolInvocationId: id(c.toolInvocationId),
        before: await bytes(c.beforeSha256),
        after: await bytes(c.afterSha256),
      })),
    ),
    artifacts: await Promise.all(
      artifacts.map(async ({ namespace: _, ...a }) => ({
        ...a,
        sessionId: id(a.sessionId),
        toolInvocationId: id(a.toolInvocationId),
        content: await bytes(a.sha256),
      })),
    ),
    tools: tools.map((t) => ({
      planId: id(t.planId),
      changesetId: id(t.changesetId),
      changeIds: t.changeIds.map(id),
    })),
    refs: (await store.events.query({ limit: 1000 })).events.map((e) => e.artifactRef),
  }
}
