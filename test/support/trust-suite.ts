import { randomBytes } from "node:crypto"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { realpath } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { importBundle } from "../../src/bundles/import.js"
import { applyChanges } from "../../src/changesets/apply.js"
import { sha256 } from "../../src/changesets/fs-safe.js"
import { fileJournal } from "../../src/changesets/journal.js"
import type { AgentStoreError, Store } from "../../src/index.js"
import { exportToBuffer, rowCounts, source } from "./bundles.js"
import { blobLine, copyRecords, craft, DRIVER_TEXT, type Line, parseBundle } from "./craft.js"

/** Where the suite runs: a store on one backend, closed (and dropped) by `close`. */
export interface TrustTarget {
  name: string
  open(): Promise<Store>
  close(store: Store): Promise<void>
}

const ns = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`

/** A journal change deleting the workspace's `victim.txt`, as a hostile journal carries. */
const DELETE_VICTIM = {
  path: "victim.txt",
  op: "delete",
  oldPath: null,
  beforeSha256: sha256("precious\n"),
  afterSha256: null,
  mode: null,
}

async function failure(promise: Promise<unknown>): Promise<AgentStoreError> {
  return promise.then(
    () => {
      throw new Error("expected a rejection")
    },
    (error: AgentStoreError) => error,
  )
}

/** Imported state that would steer later operations (S10), and namespaces naming foreign blobs (S12). */
export function trustSuite(target: TrustTarget): void {
  describe(`bundles and plans that lie (${target.name})`, () => {
    let store: Store
    let dir = ""
    let ws = ""
    beforeAll(async () => {
      store = await target.open()
    })
    afterAll(() => target.close(store))
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "agentstore-trust-"))
      ws = join(dir, "ws")
      mkdirSync(ws)
      writeFileSync(join(ws, "a.txt"), "A\n")
      writeFileSync(join(ws, "victim.txt"), "precious\n")
    })
    afterEach(() => rmSync(dir, { recursive: true, force: true }))

    /** A namespace with one session (3 messages), a tool, a ready plan and an artifact. */
    async function seeded() {
      const view = store.withNamespace(ns("src"))
      const s = await view.sessions.create({ agent: "coder" })
      await view.messages.appendMany(s.id, [
        { role: "user", content: "one" },
        { role: "assistant", content: "two" },
        { role: "user", content: "three" },
      ])
      await view.tools.record({ tool: "bash", sessionId: s.id, status: "succeeded" })
      const plan = await view.plans.create({ sessionId: s.id, title: "edit a" })
      await view.plans.record(plan.id, [
        { path: "a.txt", op: "modify", before: "A\n", after: "A2\n" },
      ])
      await view.plans.markReady(plan.id)
      await view.artifacts.put("hello world\n", { handle: "out.log", sessionId: s.id })
      return { view, plan, ...parseBundle(await exportToBuffer(view)) }
    }

    async function refused(bytes: Buffer, reason?: string) {
      const into = store.withNamespace(ns("dst"))
      const error = await failure(importBundle(into, source(bytes)))
      expect(error.code, error.message).toBe("INTEGRITY")
      if (reason) expect(error.details.reason, error.message).toBe(reason)
      expect(await rowCounts(into)).toEqual([0, 0, 0, 0])
      expect((await into.plans.list()).items).toEqual([])
      expect((await into.artifacts.list()).items).toEqual([])
      return error
    }

    const edit = (
      records: Line[],
      type: string,
      change: (r: Line["record"], i: number) => void,
    ) => {
      const out = copyRecords(records)
      let i = 0
      for (const line of out) if (line.type === type) change(line.record, i++)
      return out
    }

    it("the seeded bundle imports as it is (the crafting is sound)", async () => {
      const { header, records } = await seeded()
      const into = store.withNamespace(ns("dst"))
      await importBundle(into, source(craft(header, records)))
      expect((await into.plans.list()).items).toHaveLength(1)
      expect(await into.artifacts.text("out.log")).toBe("hello world\n")
    })

    it("a plan carrying an apply journal is refused: apply never resumes imported state (S10)", async () => {
      const { header, records } = await seeded()
      const script = Buffer.from("#!/bin/sh\nid\n")
      const journal = {
        workspace: await realpath(ws),
        changes: [
          DELETE_VICTIM,
          {
            path: "evil.sh",
            op: "create",
            oldPath: null,
            beforeSha256: null,
            afterSha256: sha256(script),
            mode: 0o4755,
          },
        ],
      }
      const hostile = edit(records, "plan", (r) => {
        r.applyJournal = JSON.stringify(journal)
      })
      const error = await refused(craft(header, [...hostile, blobLine(script)]))
      expect(error.message).toMatch(/apply/)
      expect(readFileSync(join(ws, "victim.txt"), "utf8")).toBe("precious\n")
      expect(existsSync(join(ws, "evil.sh"))).toBe(false)
    })

    it("statuses, change sequences and contents that disagree are refused (S10)", async () => {
      const { header, records } = await seeded()
      const plan = (change: (r: Line["record"]) => void) =>
        craft(header, edit(records, "plan", change))
      await refused(
        plan((r) => {
          r.status = "applied"
        }),
      )
      await refused(
        plan((r) => {
          r.finishedAt = r.createdAt
        }),
      )
      await refused(
        plan((r) => {
          Object.assign(r, { status: "cancelled", finishedAt: r.createdAt })
        }),
      )
      const change = (fn: (r: Line["record"]) => void) => craft(header, edit(records, "change", fn))
      await refused(
        change((r) => {
          r.seq = 2
        }),
      )
      await refused(
        change((r) => {
          r.changesetId = "another-changeset"
        }),
      )
      await refused(
        change((r) => {
          r.op = "create"
        }),
      )
      await refused(
        change((r) => {
          r.afterSize = 99
        }),
      )
      await refused(
        change((r) => {
          r.mode = 0o4755
        }),
      )
      const tool = (fn: (r: Line["record"]) => void) => craft(header, edit(records, "tool", fn))
      await refused(
        tool((r) => {
          r.status = "running"
        }),
      )
      await refused(
        tool((r) => {
          r.durationMs = (r.durationMs as number) + 5
        }),
      )
    })

    it("message sequences with gaps, and counters that disagree, are refused (S10)", async () => {
      const { header, records } = await seeded()
      const gaps = edit(records, "message", (r, i) => {
        r.sequence = [1, 5, 9][i]
      })
      const session = (fn: (r: Line["record"]) => void) => edit(gaps, "session", fn)
      await refused(
        craft(
          header,
          session((r) => {
            r.lastSequence = 1
          }),
        ),
        "sequence",
      )
      await refused(
        craft(
          header,
          session((r) => {
            r.lastSequence = 9
          }),
        ),
        "sequence",
      )
      const counted = (fn: (r: Line["record"]) => void) =>
        craft(header, edit(records, "session", fn))
      await refused(
        counted((r) => {
          r.messageCount = 2
        }),
        "sequence",
      )
      await refused(
        counted((r) => {
          r.lastSequence = 2
        }),
        "sequence",
      )
    })

    it("an artifact size that disagrees with its blob is refused, too high or too low (S10)", async () => {
      const { header, records } = await seeded()
      for (const size of [65_536, 3]) {
        await refused(
          craft(
            header,
            edit(records, "artifact", (r) => {
              r.size = size
            }),
          ),
          "size",
        )
      }
    })

    it("invalid UTF-8 is refused, never replaced", async () => {
      const { header, records } = await seeded()
      const lines = records.map((r) => Buffer.from(JSON.stringify(r)))
      const at = records.findIndex((r) => r.type === "message")
      const line = lines[at] as Buffer
      const quote = line.indexOf('"one"')
      lines[at] = Buffer.concat([
        line.subarray(0, quote + 1),
        Buffer.from([0xff, 0xfe]),
        line.subarray(quote + 4),
      ])
      await refused(craft(header, lines), "encoding")
    })

    it("importing one bundle twice: the conflict names the handle, in the store's words (R10)", async () => {
      const { header, records } = await seeded()
      const into = store.withNamespace(ns("twice"))
      const bytes = craft(header, records)
      await importBundle(into, source(bytes))
      const before = await rowCounts(into)
      const error = await failure(importBundle(into, source(bytes)))
      expect(error.code).toBe("CONFLICT")
      expect(error.message).toContain("out.log")
      expect(error.message).not.toMatch(DRIVER_TEXT)
      expect(await rowCounts(into)).toEqual(before)
      const kept = await failure(importBundle(into, source(bytes), { keepIds: true }))
      await importBundle(store.withNamespace(ns("keep")), source(bytes), { keepIds: true })
      expect(kept.code).toBe("CONFLICT")
      expect(kept.message).not.toMatch(DRIVER_TEXT)
    })

    it("a sequence the counters do not know collides in the store's words, never the driver's", async () => {
      const view = store.withNamespace(ns("raw"))
      const s = await view.sessions.create({ agent: "a" })
      await view.messages.append(s.id, { role: "user", content: "one" })
      const row = {
        namespace: view.namespace,
        id: `stray-${randomBytes(4).toString("hex")}`,
        session_id: s.id,
        sequence: 3,
        role: "user",
        content: JSON.stringify("stray"),
        name: null,
        tool_call_id: null,
        usage: null,
        metadata: "{}",
        created_at: Date.now(),
      }
      const maintenance = view.backend.maintenance as NonNullable<typeof view.backend.maintenance>
      await maintenance.importRows(view.namespace, () => [{ table: "messages", row }])
      await view.messages.append(s.id, { role: "user", content: "two" })
      const error = await failure(view.messages.append(s.id, { role: "user", content: "three" }))
      expect(error.code).toBe("CONFLICT")
      expect(error.message).not.toMatch(DRIVER_TEXT)
    })

    it("setuid, setgid and sticky bits are refused when recording, importing and applying", async () => {
      const view = store.withNamespace(ns("modes"))
      const plan = await view.plans.create({ title: "modes" })
      for (const mode of [0o4755, 0o2755, 0o1777]) {
        const error = await failure(
          view.plans.record(plan.id, { path: "x.sh", op: "create", after: "x", mode }),
        )
        expect(error.code).toBe("VALIDATION")
      }
      expect(await view.plans.entries({ planId: plan.id })).toEqual([])
      const bytes = new Map([[sha256("x"), Buffer.from("x")]])
      const change = {
        path: "x.sh",
        op: "create" as const,
        oldPath: null,
        beforeSha256: null,
        afterSha256: sha256("x"),
        mode: 0o4755,
      }
      const journal = fileJournal(join(dir, "journal"))
      const content = async (sha: string) => bytes.get(sha) as Buffer
      const error = await failure(applyChanges(ws, [change], { content, journal }))
      expect(error.code).toBe("VALIDATION")
      expect(existsSync(join(ws, "x.sh"))).toBe(false)
    })

    it("apply writes only a ready plan's reviewed changes, whatever journal its row holds (S10)", async () => {
      const { view, plan } = await seeded()
      const journal = JSON.stringify({
        workspace: await realpath(ws),
        changes: [DELETE_VICTIM],
      })
      const backend = view.backend
      await backend.updatePlan(view.namespace, plan.id, () => ({ apply_journal: journal }))
      const mismatch = await failure(view.plans.apply(plan.id, ws))
      expect(mismatch.code).toBe("INTEGRITY")
      await backend.updatePlan(view.namespace, plan.id, () => ({ status: "cancelled" }))
      const cancelled = await failure(view.plans.apply(plan.id, ws))
      expect(cancelled.code).toBe("CONFLICT")
      expect(readFileSync(join(ws, "victim.txt"), "utf8")).toBe("precious\n")
      expect(readFileSync(join(ws, "a.txt"), "utf8")).toBe("A\n")
    })

    it("a namespace cannot name another namespace's blob: same answer as a hash stored nowhere (S12)", async () => {
      const a = store.withNamespace(ns("a"))
      const b = store.withNamespace(ns("b"))
      const secret = "secret of b\n"
      await b.artifacts.put(secret, { handle: "secret" })
      const nowhere = sha256("stored nowhere\n")
      const plan = await a.plans.create({ title: "probe" })
      const record = (sha: string) =>
        failure(a.plans.record(plan.id, { path: "x", op: "create", afterSha256: sha }))
      const foreign = await record(sha256(secret))
      const missing = await record(nowhere)
      expect(foreign.code).toBe("VALIDATION")
      expect(foreign.message.replace(sha256(secret), "H")).toBe(
        missing.message.replace(nowhere, "H"),
      )
      expect({ ...foreign.details, sha256: "H" }).toEqual({ ...missing.details, sha256: "H" })
      expect(await a.plans.entries({ planId: plan.id })).toEqual([])

      const { header, records } = await seeded()
      const bundleNaming = (sha: string, size: number) =>
        craft(
          header,
          edit(
            records.filter((r) => r.type !== "blob" || r.record.sha256 !== sha256("hello world\n")),
            "artifact",
            (r) => {
              Object.assign(r, { sha256: sha, size })
            },
          ),
        )
      const viaArtifact = await refused(bundleNaming(sha256(secret), secret.length), "missing-blob")
      const viaNowhere = await refused(bundleNaming(nowhere, 15), "missing-blob")
      expect(viaArtifact.message.replace(sha256(secret), "H")).toBe(
        viaNowhere.message.replace(nowhere, "H"),
      )

      await a.artifacts.put(secret, { handle: "mine" })
      await a.plans.record(plan.id, { path: "x", op: "create", afterSha256: sha256(secret) })
      expect(await a.plans.entries({ planId: plan.id })).toHaveLength(1)
    })
  })
}
