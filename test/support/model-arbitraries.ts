import fc from "fast-check"
import type { Json, JsonObject } from "../../src/index.js"

/** A generated step, resolved against the model's state when it runs (see model-calls.ts). */
export type Step =
  | { op: "appendMessages"; session: number; items: MessageItem[]; expected?: number; one: boolean }
  | { op: "truncate"; session: number; back: number }
  | { op: "pop"; session: number }
  | {
      op: "listMessages"
      session: number
      latest?: number
      after?: number
      before?: number
      limit?: number
      desc: boolean
    }
  | { op: "countMessages"; session: number }
  | { op: "getMessage"; pick?: number }
  | { op: "appendEvents"; items: EventItem[]; one: boolean }
  | { op: "queryEvents"; filter: FilterItem; limit?: number; desc: boolean; tail: boolean }
  | { op: "countEvents"; filter: FilterItem }
  | { op: "getEvent"; pick?: number }
  | { op: "tick"; ms: number }

/** How a generated item chooses its id: none, a new one, a bad one, or one used before. */
export type IdChoice = "none" | "fresh" | "invalid" | { reuse: number; same: boolean }

export interface MessageItem {
  id: IdChoice
  role: string
  content: Json
  name: string | null
  metadata?: JsonObject
}

export interface EventItem {
  id: IdChoice
  kind: string
  data?: Json
  text?: string | null
  /** 0 and 1 are the run's sessions, 2 a session that does not exist. */
  session: number | null
  agent: string | null
  time?: number
}

export interface FilterItem {
  session?: number
  agent?: string
  kinds?: string[]
  after?: number
  before?: number
  since?: number
  until?: number
}

const ODD = ["\u0000", "\ud800", "\udfff", "a\ud83d", "😀", "👩‍👩‍👧", "\u2028", "é", ""]

/** Strings holding U+0000, lone surrogates, emoji; now and then one of 1 MiB. */
export const text = (big: boolean): fc.Arbitrary<string> => {
  const unit = fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    fc.constantFrom(...ODD),
  )
  const small = fc.string({ unit, maxLength: 12 })
  if (!big) return small
  const mib = fc
    .tuple(fc.constantFrom("x", "\u0000", "😀"), fc.constantFrom(...ODD))
    .map(([fill, tail]) => fill.repeat(2 ** 20 / fill.length) + tail)
  return fc.oneof({ weight: 60, arbitrary: small }, { weight: 1, arbitrary: mib })
}

const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    text(true),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(text(false), tie("value"), { maxKeys: 3 }),
  ),
})).value

const idChoice: fc.Arbitrary<IdChoice> = fc.oneof(
  { weight: 8, arbitrary: fc.constant("none" as const) },
  { weight: 8, arbitrary: fc.constant("fresh" as const) },
  { weight: 1, arbitrary: fc.constant("invalid" as const) },
  { weight: 6, arbitrary: fc.record({ reuse: fc.nat(), same: fc.boolean() }) },
)

/** Valid labels mostly; a NUL and a lone surrogate now and then, which must be rejected. */
const label = (valid: string[]) =>
  fc.oneof(
    { weight: 40, arbitrary: fc.constantFrom(...valid) },
    { weight: 1, arbitrary: fc.constantFrom("bad\u0000", "\udc00x") },
  )

const ROLES = ["user", "assistant", "tool", "rôle 😀"]
const KINDS = ["step", "tool.call", "note 😀", "ünï"]
const AGENTS = ["a1", "a2", "ägent 😀"]

const messageItem: fc.Arbitrary<MessageItem> = fc.record(
  {
    id: idChoice,
    role: label(ROLES),
    content: json,
    name: fc.option(fc.constantFrom("alice", "bob 😀"), { nil: null }),
    metadata: fc.dictionary(text(false), json, { maxKeys: 2 }),
  },
  { requiredKeys: ["id", "role", "content", "name"] },
)

const eventItem: fc.Arbitrary<EventItem> = fc.record(
  {
    id: idChoice,
    kind: label(KINDS),
    data: json,
    text: fc.option(text(true), { nil: null }),
    session: fc.option(fc.constantFrom(0, 1, 0, 1, 0, 1, 0, 1, 2), { nil: null }),
    agent: fc.option(fc.constantFrom(...AGENTS), { nil: null }),
    time: fc.integer({ min: 0, max: 30 }).map((s) => Date.UTC(2025, 0, 1) + s * 1000),
  },
  { requiredKeys: ["id", "kind", "session", "agent"] },
)

const filter: fc.Arbitrary<FilterItem> = fc.record(
  {
    session: fc.constantFrom(0, 1),
    agent: fc.constantFrom(...AGENTS),
    kinds: fc.subarray(KINDS, { minLength: 1 }),
    after: fc.nat(),
    before: fc.nat(),
    since: fc.integer({ min: 0, max: 40 }),
    until: fc.integer({ min: 0, max: 40 }),
  },
  { requiredKeys: [] },
)

const session = fc.constantFrom(0, 0, 0, 1, 1, 1, 2)
const small = fc.integer({ min: 1, max: 6 })

/** Every kind of step, weighted toward writes. */
export const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        op: fc.constant("appendMessages" as const),
        session,
        items: fc.array(messageItem, { minLength: 1, maxLength: 4 }),
        expected: fc.constantFrom(0, 0, 0, -1, 1),
        one: fc.boolean(),
      },
      { requiredKeys: ["op", "session", "items", "one"] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("truncate" as const),
      session,
      back: fc.integer({ min: 0, max: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("pop" as const), session }) },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        op: fc.constant("listMessages" as const),
        session,
        latest: small,
        after: fc.nat({ max: 12 }),
        before: fc.nat({ max: 12 }),
        limit: small,
        desc: fc.boolean(),
      },
      { requiredKeys: ["op", "session", "desc"] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("countMessages" as const), session }) },
  {
    weight: 1,
    arbitrary: fc.record(
      { op: fc.constant("getMessage" as const), pick: fc.nat() },
      { requiredKeys: ["op"] },
    ),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant("appendEvents" as const),
      items: fc.array(eventItem, { minLength: 1, maxLength: 4 }),
      one: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        op: fc.constant("queryEvents" as const),
        filter,
        limit: small,
        desc: fc.boolean(),
        tail: fc.boolean(),
      },
      { requiredKeys: ["op", "filter", "desc", "tail"] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("countEvents" as const), filter }) },
  {
    weight: 1,
    arbitrary: fc.record(
      { op: fc.constant("getEvent" as const), pick: fc.nat() },
      { requiredKeys: ["op"] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("tick" as const),
      ms: fc.integer({ min: 0, max: 2000 }),
    }),
  },
)
