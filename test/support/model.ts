import type {
  Event,
  EventFilter,
  EventInput,
  ListMessagesQuery,
  Message,
  MessageInput,
} from "../../src/index.js"
import type { Call, Outcome } from "./model-calls.js"

/** What the model expects: a value (cursors of new events left open), or one of some error codes. */
export type Expected = { ok: unknown } | { errors: string[] }

/** A cursor the model cannot know before the store assigns it. */
export const NEW_CURSOR = "<new>"

interface Session {
  messages: Message[]
  last: number
  updatedAt: number
}

const ID = /^[A-Za-z0-9_][A-Za-z0-9._:@+=-]{0,199}$/
const BAD_LABEL = /[\u0000-\u001f\u007f]/
const iso = (ms: number) => new Date(ms).toISOString()
const roundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T
const goodLabel = (s: string) => s.length > 0 && !BAD_LABEL.test(s) && s.isWellFormed()

/**
 * A plain in-memory model of one namespace's messages and events: arrays and maps, no SQL.
 * `expect` says what a call must give; `commit` applies a call that succeeded.
 */
export class Model {
  readonly sessionIds: string[]
  readonly #sessions = new Map<string, Session>()
  readonly #messageInputs = new Map<string, { sessionId: string; input: MessageInput }>()
  readonly #events: Event[] = []
  readonly #eventInputs = new Map<string, EventInput>()
  #ids = 0
  now: number

  constructor(
    readonly namespace: string,
    sessions: { id: string; at: number }[],
    now: number,
  ) {
    this.sessionIds = sessions.map((s) => s.id)
    for (const s of sessions) this.#sessions.set(s.id, { messages: [], last: 0, updatedAt: s.at })
    this.now = now
  }

  nextId = () => ++this.#ids
  lastSequence = (sessionId: string) => this.#sessions.get(sessionId)?.last ?? 0
  messageIds = () => [...this.#sessions.values()].flatMap((s) => s.messages.map((m) => m.id))
  messageInputIds = () => [...this.#messageInputs.keys()]
  messageInput = (id: string) => this.#messageInputs.get(id)?.input as MessageInput
  eventIds = () => this.#events.map((e) => e.id)
  eventInput = (id: string) => this.#eventInputs.get(id) as EventInput
  cursors = () => this.#events.map((e) => e.cursor)
  events = () => this.#events
  session = (id: string) => this.#sessions.get(id)

  /** The outcome a call must have. */
  expect(call: Call): Expected {
    switch (call.op) {
      case "appendMessages":
        return this.#appendMessages(call)
      case "truncate":
      case "pop": {
        const session = this.#sessions.get(call.sessionId)
        if (!session) return { errors: ["NOT_FOUND"] }
        if (call.op === "pop") return { ok: session.messages.at(-1) ?? null }
        return { ok: session.messages.filter((m) => m.sequence > call.after) }
      }
      case "listMessages":
        return this.#listMessages(call.sessionId, call.query)
      case "countMessages": {
        const session = this.#sessions.get(call.sessionId)
        return session ? { ok: session.messages.length } : { errors: ["NOT_FOUND"] }
      }
      case "getMessage": {
        const found = this.messageIdsToMessages().get(call.id)
        return found ? { ok: found } : { errors: ["NOT_FOUND"] }
      }
      case "appendEvents":
        return this.#appendEvents(call.events)
      case "queryEvents":
        return { ok: this.#queryEvents(call.query, call.tail) }
      case "countEvents":
        return { ok: this.#matching(call.filter).length }
      case "getEvent": {
        const found = this.#events.find((e) => e.id === call.id)
        return found ? { ok: found } : { errors: ["NOT_FOUND"] }
      }
      case "tick":
        return { ok: null }
    }
  }

  /** Applies a call whose outcome matched `expect`, taking new cursors from `outcome`. */
  commit(call: Call, outcome: Outcome): void {
    if (!("ok" in outcome)) return
    if (call.op === "tick") this.now += call.ms
    else if (call.op === "appendMessages") this.#commitMessages(call, outcome.ok as Message[])
    else if (call.op === "appendEvents") this.#commitEvents(call.events, outcome.ok as Event[])
    else if (call.op === "truncate" || call.op === "pop") {
      const session = this.#sessions.get(call.sessionId) as Session
      const after = call.op === "pop" ? Math.max(0, session.last - 1) : call.after
      const kept = session.messages.filter((m) => m.sequence <= after)
      if (kept.length === session.messages.length) return
      session.messages = kept
      session.last = Math.min(session.last, after)
      session.updatedAt = Math.max(session.updatedAt, this.now)
    }
  }

  /** The outcome with store-chosen ids, session ids and cursors replaced by their position. */
  normalize(outcome: Outcome): unknown {
    const names = new Map<string, string>()
    for (const [i, id] of this.sessionIds.entries()) names.set(id, `session#${i}`)
    for (const [i, id] of this.messageInputIds().entries()) names.set(id, `message#${i}`)
    for (const [i, e] of this.#events.entries())
      names.set(e.id, `event#${i}`).set(e.cursor, `cursor#${i}`)
    const walk = (value: unknown, key?: string): unknown => {
      if (Array.isArray(value)) return value.map((v) => walk(v))
      if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]))
      }
      const named = ["id", "sessionId", "cursor", "nextCursor"].includes(key ?? "")
      return named && typeof value === "string" ? (names.get(value) ?? value) : value
    }
    return walk(outcome)
  }

  messageIdsToMessages(): Map<string, Message> {
    return new Map([...this.#sessions.values()].flatMap((s) => s.messages.map((m) => [m.id, m])))
  }

  #appendMessages(call: Extract<Call, { op: "appendMessages" }>): Expected {
    const ids = call.messages.flatMap((m) => (m.id === undefined ? [] : [m.id]))
    const valid = call.messages.every(
      (m) => goodLabel(m.role) && (m.id === undefined || ID.test(m.id)),
    )
    if (!valid || new Set(ids).size !== ids.length) return { errors: ["VALIDATION"] }
    const stored = this.messageIdsToMessages()
    const out: (Message | undefined)[] = []
    for (const input of call.messages) {
      const existing = input.id === undefined ? undefined : stored.get(input.id)
      if (existing && !this.#sameMessage(existing.id, call.sessionId, input))
        return { errors: ["CONFLICT"] }
      out.push(existing)
    }
    const session = this.#sessions.get(call.sessionId)
    if (!session) return { errors: ["NOT_FOUND"] }
    const fresh = out.filter((m) => m === undefined).length
    if (fresh === 0) return { ok: out }
    if (call.expectedSequence !== undefined && call.expectedSequence !== session.last)
      return { errors: ["CONFLICT"] }
    let sequence = session.last
    return {
      ok: call.messages.map(
        (input, i) => out[i] ?? this.#newMessage(call.sessionId, input, ++sequence),
      ),
    }
  }

  #sameMessage(id: string, sessionId: string, input: MessageInput): boolean {
    const before = this.#messageInputs.get(id)
    if (!before || before.sessionId !== sessionId) return false
    const text = (m: MessageInput) =>
      JSON.stringify([m.role, m.content, m.name ?? null, m.metadata ?? {}])
    return text(before.input) === text(input)
  }

  #newMessage(sessionId: string, input: MessageInput, sequence: number): Message {
    return {
      id: input.id ?? "<generated>",
      sessionId,
      sequence,
      role: input.role,
      content: roundTrip(input.content),
      name: input.name ?? null,
      toolCallId: null,
      usage: null,
      metadata: roundTrip(input.metadata ?? {}),
      createdAt: iso(this.now),
    }
  }

  #commitMessages(call: Extract<Call, { op: "appendMessages" }>, stored: Message[]): void {
    const session = this.#sessions.get(call.sessionId) as Session
    const known = this.messageIdsToMessages()
    let added = false
    stored.forEach((message, i) => {
      if (known.has(message.id)) return
      session.messages.push(message)
      session.last = message.sequence
      this.#messageInputs.set(message.id, {
        sessionId: call.sessionId,
        input: { ...(call.messages[i] as MessageInput), id: message.id },
      })
      added = true
    })
    if (added) session.updatedAt = Math.max(session.updatedAt, this.now)
  }

  #listMessages(sessionId: string, query: ListMessagesQuery): Expected {
    const session = this.#sessions.get(sessionId)
    if (!session) return { errors: ["NOT_FOUND"] }
    const latest = query.latest !== undefined
    const limit = query.latest ?? query.limit ?? 100
    let rows = session.messages.filter(
      (m) =>
        (query.after === undefined || m.sequence > query.after) &&
        (query.before === undefined || m.sequence < query.before),
    )
    if (latest || query.order === "desc") rows = rows.reverse()
    const shown = rows.slice(0, limit)
    const page: { messages: Message[]; hasMore: boolean; nextCursor?: number } = {
      messages: shown,
      hasMore: rows.length > limit,
    }
    if (page.hasMore) page.nextCursor = (shown.at(-1) as Message).sequence
    if (latest) page.messages = [...shown].reverse()
    return { ok: page }
  }

  #appendEvents(inputs: EventInput[]): Expected {
    const ids = inputs.flatMap((e) => (e.id === undefined ? [] : [e.id]))
    const valid = inputs.every((e) => goodLabel(e.kind) && (e.id === undefined || ID.test(e.id)))
    if (!valid || new Set(ids).size !== ids.length) return { errors: ["VALIDATION"] }
    const errors = new Set<string>()
    const out = inputs.map((input) => {
      const existing =
        input.id === undefined ? undefined : this.#events.find((e) => e.id === input.id)
      if (existing) {
        if (!this.#sameEvent(existing.id, input)) errors.add("CONFLICT")
        return existing
      }
      if (input.sessionId && !this.#sessions.has(input.sessionId)) errors.add("VALIDATION")
      return this.#newEvent(input)
    })
    if (errors.has("CONFLICT")) return { errors: ["CONFLICT"] }
    return errors.size > 0 ? { errors: [...errors] } : { ok: out }
  }

  #sameEvent(id: string, input: EventInput): boolean {
    const text = (e: EventInput) =>
      JSON.stringify([e.kind, e.data ?? null, e.text ?? null, e.sessionId ?? null, e.agent ?? null])
    return text(this.#eventInputs.get(id) as EventInput) === text(input)
  }

  #newEvent(input: EventInput): Event {
    return {
      id: input.id ?? "<generated>",
      namespace: this.namespace,
      cursor: NEW_CURSOR,
      kind: input.kind,
      data: roundTrip(input.data ?? null),
      text: input.text ?? null,
      sessionId: input.sessionId ?? null,
      agent: input.agent ?? null,
      parentId: null,
      artifactRef: null,
      time: iso(typeof input.time === "number" ? input.time : this.now),
    }
  }

  #commitEvents(inputs: EventInput[], stored: Event[]): void {
    const known = new Set(this.eventIds())
    stored.forEach((event, i) => {
      if (known.has(event.id)) return
      this.#events.push(event)
      this.#eventInputs.set(event.id, { ...(inputs[i] as EventInput), id: event.id })
    })
  }

  #matching(filter: EventFilter): Event[] {
    const time = (t: unknown) => (t === undefined ? undefined : Number(t))
    const [since, until] = [time(filter.since), time(filter.until)]
    return this.#events.filter(
      (e) =>
        (filter.sessionId === undefined || e.sessionId === filter.sessionId) &&
        (filter.agent === undefined || e.agent === filter.agent) &&
        (filter.kinds === undefined || filter.kinds.includes(e.kind)) &&
        (filter.after === undefined || BigInt(e.cursor) > BigInt(filter.after)) &&
        (filter.before === undefined || BigInt(e.cursor) < BigInt(filter.before)) &&
        (since === undefined || Date.parse(e.time) >= since) &&
        (until === undefined || Date.parse(e.time) < until),
    )
  }

  #queryEvents(query: EventFilter & { limit?: number; order?: "asc" | "desc" }, tail: boolean) {
    const limit = query.limit ?? 100
    let rows = this.#matching(query)
    if (tail || query.order === "desc") rows = [...rows].reverse()
    const shown = rows.slice(0, limit)
    if (tail) return shown.reverse()
    const page: { events: Event[]; hasMore: boolean; nextCursor?: string } = {
      events: shown,
      hasMore: rows.length > limit,
    }
    if (page.hasMore) page.nextCursor = (shown.at(-1) as Event).cursor
    return page
  }
}
