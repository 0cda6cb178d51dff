import pg from "pg"
import { expect, it } from "vitest"
import { createPostgresBackend, type PostgresBackend } from "../src/backends/postgres/index.js"
import type { PruneRule } from "../src/core/backend.js"
import { isAgentStoreError } from "../src/index.js"
import { openStore } from "../src/open.js"
import { describePg, dropSchema, freshSchema, openTestBackend, PG_URL } from "./support/postgres.js"

const NS = "closed-ns"
const ID = "x1"
const SHA = "a".repeat(64)
const RULE: PruneRule = { domain: "events", olderThan: 1, pinned: [] }
const EVENT = {
  namespace: NS,
  id: ID,
  kind: "k",
  data: "{}",
  text: null,
  session_id: null,
  agent: null,
  parent_id: null,
  artifact_ref: null,
  time: 0,
}

/** One call of every backend operation, with arguments of the right shape. */
function everyCall(b: PostgresBackend): Record<string, () => Promise<unknown>> {
  const m = b.maintenance as NonNullable<PostgresBackend["maintenance"]>
  const update = () => ({}) as never
  return {
    migrate: () => b.migrate(),
    migrationStatus: () => b.migrationStatus(),
    insertSession: () => b.insertSession({ namespace: NS, id: ID, agent: "a" } as never),
    getSession: () => b.getSession(NS, ID),
    listSessions: () => b.listSessions(NS, { limit: 1, metadata: [] } as never),
    updateSession: () => b.updateSession(NS, ID, update),
    deleteSession: () => b.deleteSession(NS, ID),
    appendMessages: () => b.appendMessages(NS, ID, [], { checkExisting: true, now: 0 }),
    listMessages: () => b.listMessages(NS, ID, { limit: 1, order: "asc" }),
    getMessage: () => b.getMessage(NS, ID),
    countMessages: () => b.countMessages(NS, ID),
    truncateMessages: () => b.truncateMessages(NS, ID, 0, 0),
    popMessage: () => b.popMessage(NS, ID, 0),
    replaceMessages: () => b.replaceMessages(NS, ID, 0, [], { expectedSequence: 0, now: 0 }),
    appendEvents: () => b.appendEvents([EVENT], { checkExisting: false }),
    queryEvents: () => b.queryEvents(NS, { limit: 1, order: "asc" } as never),
    countEvents: () => b.countEvents(NS, {}),
    summarizeEvents: () => b.summarizeEvents(NS, {}),
    getEvent: () => b.getEvent(NS, ID),
    deleteEvents: () => b.deleteEvents(NS, {}),
    insertTool: () => b.insertTool({ namespace: NS, id: ID } as never, { checkExisting: true }),
    getTool: () => b.getTool(NS, ID),
    updateTool: () => b.updateTool(NS, ID, update),
    listTools: () => b.listTools(NS, { limit: 1 } as never),
    deleteToolsByPlan: () => b.deleteToolsByPlan(NS, ID),
    insertArtifact: () => b.insertArtifact({ namespace: NS } as never, { overwrite: false }),
    getArtifact: () => b.getArtifact(NS, ID),
    listArtifacts: () => b.listArtifacts(NS, { limit: 1 } as never),
    deleteArtifact: () => b.deleteArtifact(NS, ID),
    unreferencedBlobs: () => b.unreferencedBlobs([SHA]),
    blobBeginUpload: () => b.blobBeginUpload(1024, 0),
    blobWriteChunks: () => b.blobWriteChunks(1, 0, [{ data: new Uint8Array(1), sha256: SHA }]),
    blobCommitUpload: () => b.blobCommitUpload(1, SHA, 1, 0),
    blobAbortUpload: () => b.blobAbortUpload(1),
    blobStat: () => b.blobStat(SHA),
    blobReadChunks: () => b.blobReadChunks(SHA, 0, 1),
    blobTouch: () => b.blobTouch(SHA, 0),
    blobDelete: () => b.blobDelete(SHA),
    blobList: () => b.blobList("", 1),
    blobSweepUploads: () => b.blobSweepUploads(0),
    claimBlobs: () => b.claimBlobs(NS, [SHA], 0),
    ownedBlobs: () => b.ownedBlobs(NS, [SHA]),
    releaseBlobs: () => b.releaseBlobs([SHA], 0),
    insertPlan: () => b.insertPlan({ namespace: NS, id: ID } as never),
    getPlan: () => b.getPlan(NS, ID),
    listPlans: () => b.listPlans(NS, { limit: 1 } as never),
    updatePlan: () => b.updatePlan(NS, ID, update),
    appendChanges: () => b.appendChanges(NS, ID, [] as never, update),
    listChanges: () => b.listChanges(NS, ID),
    discardChanges: () => b.discardChanges(NS, ID, update),
    importRows: () => m.importRows(NS, () => []),
    pruneBatch: () => m.pruneBatch(NS, RULE, 1),
    countPrunable: () => m.countPrunable(NS, RULE),
    reclaimSpace: () => m.reclaimSpace(1),
  }
}

/** The names of the calls that did not reject with STORE_CLOSED, with what they gave. */
async function notClosedErrors(backend: PostgresBackend): Promise<string[]> {
  const wrong: string[] = []
  for (const [name, call] of Object.entries(everyCall(backend))) {
    const outcome = await Promise.resolve()
      .then(call)
      .then(
        () => "success",
        (error: unknown) => (isAgentStoreError(error, "STORE_CLOSED") ? undefined : String(error)),
      )
    if (outcome !== undefined) wrong.push(`${name}: ${outcome}`)
  }
  let watched: unknown
  try {
    backend.watch(NS, () => {})()
  } catch (error) {
    watched = error
  }
  if (!isAgentStoreError(watched, "STORE_CLOSED")) wrong.push(`watch: ${String(watched)}`)
  return wrong
}

describePg("closed postgres backend", () => {
  it("covers every operation of the backend", async () => {
    const backend = await openTestBackend({ migrate: false })
    await backend.close()
    const known = Object.keys(everyCall(backend))
    const ops = Object.entries(backend)
      .filter(([name, value]) => typeof value === "function" && !["close", "watch"].includes(name))
      .map(([name]) => name)
    const maintenance = Object.keys(backend.maintenance ?? {})
    expect([...ops, ...maintenance].sort()).toEqual([...known].sort())
  })

  it("raises StoreClosedError from every call when it opened the pool", async () => {
    const backend = await openTestBackend()
    await backend.close()
    try {
      expect(await notClosedErrors(backend)).toEqual([])
    } finally {
      await dropSchema(backend.schema)
    }
  })

  it("raises StoreClosedError from every call on a pool the caller owns", async () => {
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2 })
    const backend = await createPostgresBackend({ pool, schema: freshSchema() })
    await backend.close()
    try {
      expect(await notClosedErrors(backend)).toEqual([])
      expect((await pool.query("SELECT 1 AS one")).rows[0].one).toBe(1)
    } finally {
      await dropSchema(backend.schema)
      await pool.end()
    }
  })

  it(
    "ends calls racing with close in their result or StoreClosedError, never a pg error",
    { timeout: 20_000 },
    async () => {
      const backend = await openTestBackend({ poolSize: 2 })
      try {
        const calls = Array.from({ length: 40 }, (_, i) =>
          i % 2
            ? backend.countEvents(NS, {})
            : backend.appendEvents([{ ...EVENT, id: `e${i}` }], {
                checkExisting: false,
              }),
        )
        const closing = backend.close()
        const outcomes = await Promise.all(
          calls.map((call) =>
            call.then(
              () => "ok",
              (error: unknown) =>
                isAgentStoreError(error, "STORE_CLOSED") ? "closed" : String(error),
            ),
          ),
        )
        await closing
        expect(outcomes.filter((o) => o !== "ok" && o !== "closed")).toEqual([])
      } finally {
        await dropSchema(backend.schema)
      }
    },
  )

  it("raises StoreClosedError from the blob store of a closed postgres:// store", async () => {
    const schema = freshSchema()
    const store = await openStore(`${PG_URL}?schema=${schema}&poolSize=2`)
    await store.close()
    try {
      const calls: (() => Promise<unknown>)[] = [
        () => store.blobs.put(new Uint8Array([1, 2, 3])),
        () => store.blobs.get(SHA),
        () => store.blobs.has(SHA),
        () => store.blobs.stat(SHA),
        () => store.blobs.delete(SHA),
        () => store.artifacts.put("text"),
        () => store.plans.list(),
        () => store.retention.run({ policy: { events: { maxAge: "30d" } } }),
      ]
      for (const call of calls) {
        const error = await Promise.resolve()
          .then(call)
          .catch((e: unknown) => e)
        expect(isAgentStoreError(error, "STORE_CLOSED"), String(error)).toBe(true)
      }
    } finally {
      await dropSchema(schema)
    }
  })
})
