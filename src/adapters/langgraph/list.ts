import { isDeepStrictEqual } from "node:util"
import type { CheckpointMetadata } from "@langchain/langgraph-checkpoint"
import type { Event, EventQuery } from "../../index.js"
import { checkpointData, decode, type ReadContext } from "./read.js"

/** What `list` reads (an indexed event query) and what it checks on each row. */
export interface ListPlan {
  query: EventQuery
  ns?: string
  checkpointId?: string
  /** Only checkpoints whose id sorts before this one. */
  before?: string
  /** Top-level metadata keys that must equal these values. */
  filter?: Record<string, unknown>
}

/**
 * The checkpoint's metadata when the event passes the plan's checks, else `undefined`.
 * Checkpoint ids are LangGraph's time-ordered uuid6, so `before` compares them as strings,
 * as LangGraph's own savers do.
 */
export async function listMatches(
  ctx: ReadContext,
  event: Event,
  plan: ListPlan,
): Promise<CheckpointMetadata | undefined> {
  const data = checkpointData(event)
  if (plan.ns !== undefined && data.checkpointNs !== plan.ns) return undefined
  if (plan.checkpointId !== undefined && data.checkpointId !== plan.checkpointId) return undefined
  if (plan.before !== undefined && !(data.checkpointId < plan.before)) return undefined
  const metadata = (await decode(ctx, data.metadata, event.id)) as CheckpointMetadata
  const fields = metadata as Record<string, unknown>
  const filter = Object.entries(plan.filter ?? {})
  return filter.every(([key, value]) => isDeepStrictEqual(fields?.[key], value))
    ? metadata
    : undefined
}
