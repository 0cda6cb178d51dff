import type { EventFilterSpec, EventQuerySpec } from "./backend.js"
import { encodeJson } from "./codec.js"
import type { StoreContext } from "./context.js"
import { NotFoundError, ValidationError } from "./errors.js"
import { checkBytes } from "./limits.js"
import { type EventRow, iso, toEvent } from "./rows.js"
import {
  type EventSubscribeFilter,
  type EventSubscription,
  type SubscribeOptions,
  subscribeEvents,
  subscribePlan,
} from "./subscribe.js"
import type {
  Event,
  EventFilter,
  EventInput,
  EventPage,
  EventQuery,
  EventSummary,
} from "./types.js"
import {
  checkCursor,
  checkEnum,
  checkId,
  checkInt,
  checkKeys,
  checkLimit,
  checkName,
  checkObject,
  checkTime,
  optionalId,
  optionalName,
  optionalTime,
} from "./validation.js"

/** Events: the append-only activity log, paged and tailed by commit-order cursor. */
export interface EventsApi {
  /** Appends one event; see `appendMany`. */
  append(event: EventInput): Promise<Event>
  /** Appends events in one transaction. Re-appending an id with the same content is a no-op. */
  appendMany(events: EventInput[]): Promise<Event[]>
  /** A page of events matching the filter, in cursor order. */
  query(query?: EventQuery): Promise<EventPage>
  /** How many events match the filter. */
  count(filter?: EventFilter): Promise<number>
  /** Counts by kind, distinct sessions and first/last time of the matching events. */
  summary(filter?: EventFilter): Promise<EventSummary>
  /** Reads one event by id. */
  get(id: string): Promise<Event>
  /** The parent of an event, or `null` when it has none. */
  parent(id: string): Promise<Event | null>
  /** The newest `n` matching events, oldest first. */
  tail(n: number, filter?: EventFilter): Promise<Event[]>
  /** Deletes the events of one session or of one agent; returns how many were removed. */
  delete(scope: { sessionId: string } | { agent: string }): Promise<number>
  /**
   * A live tail: replays the matching events after `options.after`, then follows new ones as
   * they commit, each exactly once, in cursor order. See `docs/live-tail.md`.
   * @example
   * for await (const event of store.events.subscribe({ sessionId }, { after: lastSeen })) {
   *   render(event)
   * }
   */
  subscribe(filter?: EventSubscribeFilter, options?: SubscribeOptions): EventSubscription
}

const EVENT_KEYS = [
  "kind",
  "id",
  "data",
  "text",
  "sessionId",
  "agent",
  "parentId",
  "artifactRef",
  "time",
]
const SUBSCRIBE_KEYS = ["sessionId", "agent", "kinds", "parentId"]
const FILTER_KEYS = ["sessionId", "agent", "kinds", "parentId", "since", "until", "after", "before"]

/** Builds the events API over one store context. */
export function createEventsApi(ctx: StoreContext): EventsApi {
  const appendMany = async (events: EventInput[]): Promise<Event[]> => {
    if (!Array.isArray(events) || events.length === 0) {
      throw new ValidationError("events", "must be a non-empty array")
    }
    const max = ctx.backend.capabilities.maxBatch
    if (events.length > max) throw new ValidationError("events", `at most ${max} per call`)
    const now = ctx.clock()
    let checkExisting = false
    const rows = events.map((event, i) => {
      if (event?.id !== undefined) checkExisting = true
      return eventRow(ctx, event, `events[${i}]`, now)
    })
    if (checkExisting && new Set(rows.map((row) => row.id)).size !== rows.length) {
      throw new ValidationError("events", "ids must be distinct within one call")
    }
    const stored = await ctx.open().appendEvents(rows, { checkExisting })
    return stored.map(toEvent)
  }

  const query = async (q: EventQuery = {}): Promise<EventPage> => {
    checkKeys("query", checkObject("query", q), [...FILTER_KEYS, "limit", "order"])
    const spec: EventQuerySpec = {
      ...filterSpec(q),
      limit: checkLimit(q.limit),
      order: checkEnum("order", q.order ?? "asc", ["asc", "desc"]),
    }
    const rows = await ctx.open().queryEvents(ctx.namespace, { ...spec, limit: spec.limit + 1 })
    const hasMore = rows.length > spec.limit
    const events = rows.slice(0, spec.limit).map(toEvent)
    const page: EventPage = { events, hasMore }
    const last = events[events.length - 1]
    if (hasMore && last) page.nextCursor = last.cursor
    return page
  }

  const get = async (id: string): Promise<Event> => {
    checkId("id", id)
    const row = await ctx.open().getEvent(ctx.namespace, id)
    if (!row) throw new NotFoundError("event", id)
    return toEvent(row)
  }

  return {
    async append(event) {
      const [stored] = await appendMany([event])
      return stored as Event
    },
    appendMany,
    query,

    async count(filter = {}) {
      return ctx.open().countEvents(ctx.namespace, filterSpec(checkFilter(filter)))
    },

    async summary(filter = {}) {
      const row = await ctx.open().summarizeEvents(ctx.namespace, filterSpec(checkFilter(filter)))
      return {
        total: row.total,
        byKind: Object.fromEntries(row.byKind),
        sessions: row.sessions,
        firstTime: row.firstTime === null ? null : iso(row.firstTime),
        lastTime: row.lastTime === null ? null : iso(row.lastTime),
      }
    },

    get,

    async parent(id) {
      const event = await get(id)
      return event.parentId === null ? null : get(event.parentId)
    },

    async tail(n, filter = {}) {
      checkInt("n", n, 1, 1000)
      const page = await query({ ...checkFilter(filter), limit: n, order: "desc" })
      return page.events.reverse()
    },

    subscribe(filter = {}, options = {}) {
      checkKeys("filter", checkObject("filter", filter), SUBSCRIBE_KEYS)
      const watches = ctx.open().watch !== undefined
      return subscribeEvents(ctx, subscribePlan(filterSpec(filter), options, watches))
    },

    async delete(scope) {
      const fields = checkObject("scope", scope)
      checkKeys("scope", fields, ["sessionId", "agent"])
      const { sessionId, agent } = fields
      if ((sessionId === undefined) === (agent === undefined)) {
        throw new ValidationError("scope", "give exactly one of sessionId or agent")
      }
      return ctx
        .open()
        .deleteEvents(
          ctx.namespace,
          sessionId === undefined
            ? { agent: checkName("agent", agent) }
            : { sessionId: checkId("sessionId", sessionId) },
        )
    },
  }
}

function checkFilter(filter: EventFilter): EventFilter {
  checkKeys("filter", checkObject("filter", filter), FILTER_KEYS)
  return filter
}

function filterSpec(filter: EventFilter): EventFilterSpec {
  const spec: EventFilterSpec = {}
  if (filter.sessionId !== undefined) spec.sessionId = checkId("sessionId", filter.sessionId)
  if (filter.agent !== undefined) spec.agent = checkName("agent", filter.agent)
  if (filter.parentId !== undefined) spec.parentId = checkId("parentId", filter.parentId)
  if (filter.kinds !== undefined) {
    if (!Array.isArray(filter.kinds) || filter.kinds.length === 0 || filter.kinds.length > 50) {
      throw new ValidationError("kinds", "must be a non-empty array of at most 50 kinds")
    }
    spec.kinds = [...new Set(filter.kinds.map((kind, i) => checkName(`kinds[${i}]`, kind, 128)))]
  }
  const since = optionalTime("since", filter.since)
  const until = optionalTime("until", filter.until)
  if (since !== undefined) spec.since = since
  if (until !== undefined) spec.until = until
  if (filter.after !== undefined) spec.after = checkCursor("after", filter.after)
  if (filter.before !== undefined) spec.before = checkCursor("before", filter.before)
  return spec
}

function eventBytes(ctx: StoreContext, field: string, encoded: string): string {
  return checkBytes(field, encoded, ctx.limits.eventBytes, "eventBytes")
}

function eventRow(
  ctx: StoreContext,
  input: EventInput,
  field: string,
  now: number,
): Omit<EventRow, "cursor"> {
  checkKeys(field, checkObject(field, input), EVENT_KEYS)
  let text: string | null = null
  if (input.text !== undefined && input.text !== null) {
    if (typeof input.text !== "string")
      throw new ValidationError(`${field}.text`, "must be a string")
    text = eventBytes(ctx, `${field}.text`, JSON.stringify(input.text))
  }
  return {
    namespace: ctx.namespace,
    id: input.id === undefined ? ctx.newId() : checkId(`${field}.id`, input.id),
    kind: checkName(`${field}.kind`, input.kind, 128),
    data:
      input.data === undefined
        ? "null"
        : eventBytes(ctx, `${field}.data`, encodeJson(`${field}.data`, input.data)),
    text,
    session_id: optionalId(`${field}.sessionId`, input.sessionId),
    agent: optionalName(`${field}.agent`, input.agent),
    parent_id: optionalId(`${field}.parentId`, input.parentId),
    artifact_ref: optionalName(`${field}.artifactRef`, input.artifactRef, 512),
    time: input.time === undefined ? now : checkTime(`${field}.time`, input.time),
  }
}
