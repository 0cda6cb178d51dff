import type {
  EventFilter,
  EventInput,
  EventQuery,
  ListMessagesQuery,
  MessageInput,
  Store,
} from "../../src/index.js"
import type { Model } from "./model.js"
import type { EventItem, FilterItem, IdChoice, MessageItem, Step } from "./model-arbitraries.js"

/** One concrete call of the store's API, with ids and contents chosen. */
export type Call =
  | {
      op: "appendMessages"
      sessionId: string
      messages: MessageInput[]
      expectedSequence?: number
      one: boolean
    }
  | { op: "truncate"; sessionId: string; after: number }
  | { op: "pop"; sessionId: string }
  | { op: "listMessages"; sessionId: string; query: ListMessagesQuery }
  | { op: "countMessages"; sessionId: string }
  | { op: "getMessage"; id: string }
  | { op: "appendEvents"; events: EventInput[]; one: boolean }
  | { op: "queryEvents"; query: EventQuery; tail: boolean }
  | { op: "countEvents"; filter: EventFilter }
  | { op: "getEvent"; id: string }
  | { op: "tick"; ms: number }

/** What a call gave: a value, or the code of the typed error it raised. */
export type Outcome = { ok: unknown } | { error: string }

/** Runs a call against a store; typed errors become outcomes, anything else is thrown. */
export async function perform(store: Store, call: Call): Promise<Outcome> {
  try {
    return { ok: await invoke(store, call) }
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (typeof code === "string" && code === code.toUpperCase()) return { error: code }
    throw error
  }
}

async function invoke(store: Store, call: Call): Promise<unknown> {
  const { messages, events } = store
  switch (call.op) {
    case "appendMessages": {
      const options =
        call.expectedSequence === undefined ? {} : { expectedSequence: call.expectedSequence }
      if (call.one)
        return [await messages.append(call.sessionId, call.messages[0] as MessageInput, options)]
      return messages.appendMany(call.sessionId, call.messages, options)
    }
    case "truncate":
      return messages.truncate(call.sessionId, call.after)
    case "pop":
      return messages.pop(call.sessionId)
    case "listMessages":
      return messages.list(call.sessionId, call.query)
    case "countMessages":
      return messages.count(call.sessionId)
    case "getMessage":
      return messages.get(call.id)
    case "appendEvents":
      return call.one
        ? [await events.append(call.events[0] as EventInput)]
        : events.appendMany(call.events)
    case "queryEvents":
      return call.tail
        ? events.tail(call.query.limit ?? 100, withoutPage(call.query))
        : events.query(call.query)
    case "countEvents":
      return events.count(call.filter)
    case "getEvent":
      return events.get(call.id)
    case "tick":
      return null
  }
}

function withoutPage(query: EventQuery): EventFilter {
  const { limit: _limit, order: _order, ...filter } = query
  return filter
}

/** Turns a generated step into a concrete call, using what the model holds so far. */
export function resolve(step: Step, model: Model): Call {
  const sessionId = (i: number) => model.sessionIds[i] ?? "missing-session"
  switch (step.op) {
    case "appendMessages": {
      const target = sessionId(step.session)
      const messages = step.items.map((item, i) => messageInput(item, model, step.session === 2, i))
      const last = model.lastSequence(target)
      const call: Call = {
        op: "appendMessages",
        sessionId: target,
        messages,
        one: step.one && messages.length === 1,
      }
      if (step.expected !== undefined) call.expectedSequence = Math.max(0, last + step.expected)
      return call
    }
    case "truncate":
      return {
        op: "truncate",
        sessionId: sessionId(step.session),
        after: Math.max(0, model.lastSequence(sessionId(step.session)) - step.back),
      }
    case "pop":
    case "countMessages":
      return { op: step.op, sessionId: sessionId(step.session) }
    case "listMessages":
      return { op: "listMessages", sessionId: sessionId(step.session), query: listQuery(step) }
    case "getMessage":
      return { op: "getMessage", id: pickFrom(model.messageIds(), step.pick) ?? "no-such-message" }
    case "appendEvents": {
      const events = step.items.map((item, i) => eventInput(item, model, i))
      return { op: "appendEvents", events, one: step.one && events.length === 1 }
    }
    case "queryEvents": {
      const query: EventQuery = { ...eventFilter(step.filter, model), limit: step.limit ?? 100 }
      if (step.desc) query.order = "desc"
      return { op: "queryEvents", query, tail: step.tail }
    }
    case "countEvents":
      return { op: "countEvents", filter: eventFilter(step.filter, model) }
    case "getEvent":
      return { op: "getEvent", id: pickFrom(model.eventIds(), step.pick) ?? "no-such-event" }
    case "tick":
      return step
  }
}

function pickFrom<T>(list: T[], pick: number | undefined): T | undefined {
  return pick === undefined || list.length === 0 ? undefined : list[pick % list.length]
}

function chooseId(choice: IdChoice, used: string[], prefix: string, model: Model, i: number) {
  if (choice === "none") return { id: undefined }
  if (choice === "invalid") return { id: i % 2 === 0 ? "bad id" : "" }
  if (choice === "fresh" || used.length === 0) return { id: `${prefix}${model.nextId()}` }
  return { id: used[choice.reuse % used.length] as string, reuse: choice }
}

function messageInput(
  item: MessageItem,
  model: Model,
  missingSession: boolean,
  i: number,
): MessageInput {
  const fresh: IdChoice =
    item.id !== "none" && item.id !== "invalid" && missingSession ? "fresh" : item.id
  const { id, reuse } = chooseId(fresh, model.messageInputIds(), "m.", model, i)
  if (reuse) {
    const before = model.messageInput(id as string)
    return reuse.same ? before : { ...before, content: { changed: before.content } }
  }
  const input: MessageInput = { role: item.role, content: item.content, name: item.name }
  if (id !== undefined) input.id = id
  if (item.metadata !== undefined) input.metadata = item.metadata
  return input
}

function eventInput(item: EventItem, model: Model, i: number): EventInput {
  const missing = item.session === 2
  const fresh: IdChoice = item.id !== "none" && item.id !== "invalid" && missing ? "fresh" : item.id
  const { id, reuse } = chooseId(fresh, model.eventIds(), "e:", model, i)
  if (reuse) {
    const before = model.eventInput(id as string)
    return reuse.same ? before : { ...before, data: { changed: before.data ?? null } }
  }
  const input: EventInput = {
    kind: item.kind,
    sessionId: item.session === null ? null : (model.sessionIds[item.session] ?? "missing-session"),
    agent: item.agent,
  }
  if (id !== undefined) input.id = id
  if (item.data !== undefined) input.data = item.data
  if (item.text !== undefined) input.text = item.text
  if (item.time !== undefined) input.time = item.time
  return input
}

function listQuery(step: Extract<Step, { op: "listMessages" }>): ListMessagesQuery {
  const query: ListMessagesQuery = {}
  if (step.after !== undefined) query.after = step.after
  if (step.before !== undefined) query.before = step.before
  if (step.latest !== undefined) query.latest = step.latest
  else {
    if (step.limit !== undefined) query.limit = step.limit
    if (step.desc) query.order = "desc"
  }
  return query
}

function eventFilter(item: FilterItem, model: Model): EventFilter {
  const filter: EventFilter = {}
  if (item.session !== undefined) filter.sessionId = model.sessionIds[item.session] as string
  if (item.agent !== undefined) filter.agent = item.agent
  if (item.kinds !== undefined) filter.kinds = item.kinds
  const cursors = model.cursors()
  if (item.after !== undefined) filter.after = pickFrom(cursors, item.after) ?? "0"
  if (item.before !== undefined) filter.before = pickFrom(cursors, item.before) ?? "0"
  if (item.since !== undefined) filter.since = Date.UTC(2025, 0, 1) + item.since * 1000
  if (item.until !== undefined) filter.until = Date.UTC(2025, 0, 1) + item.until * 1000
  return filter
}
