import type { ImportRow } from "../core/backend.js"
import type { ChangeRow } from "../core/changeset-rows.js"
import type { MessageRow, SessionRow } from "../core/rows.js"
import { reject } from "./lines.js"

interface SessionTally {
  messageCount: number
  lastSequence: number
  count: number
  last: number
}

interface PlanTally {
  changesetId: string
  status: string
  seq: number
}

function broken(line: number, message: string): Error {
  return reject("invariant", `line ${line}: ${message}`, { line })
}

/**
 * The invariants the store keeps between records, checked while a bundle streams by: message
 * sequences form one run without gaps that ends at the session's `lastSequence` and holds
 * `messageCount` messages; changes number 1..n per plan, name their plan's changeset, and only
 * plans that kept their entries (not cancelled or failed) have any; every blob hash has one size.
 * A bundle whose checksum is right but whose records disagree is refused (`IntegrityError`).
 */
export class Invariants {
  readonly #sessions = new Map<string, SessionTally>()
  readonly #plans = new Map<string, PlanTally>()
  readonly #changesets = new Set<string>()
  /** Blob hash → the size the records give it. */
  readonly sizes = new Map<string, number>()

  /** Checks one validated row against the rows before it. */
  add(item: ImportRow, line: number): void {
    if (item.table === "sessions") this.#session(item.row)
    else if (item.table === "messages") this.#message(item.row, line)
    else if (item.table === "plans")
      this.#plan(item.row.id, item.row.changeset_id, item.row.status, line)
    else if (item.table === "changes") this.#change(item.row, line)
    else if (item.table === "artifacts") this.#size(item.row.sha256, item.row.size, line)
  }

  /** At the end: every session's counters agree with the messages that came. */
  finish(): void {
    for (const [id, tally] of this.#sessions) {
      const agrees =
        tally.count === tally.messageCount &&
        (tally.count === 0 || tally.last === tally.lastSequence)
      if (!agrees) {
        throw reject(
          "sequence",
          `session ${id}: messageCount ${tally.messageCount} and lastSequence ${tally.lastSequence} disagree with its ${tally.count} messages`,
          { id },
        )
      }
    }
  }

  #session(row: SessionRow): void {
    this.#sessions.set(row.id, {
      messageCount: Number(row.message_count),
      lastSequence: Number(row.last_sequence),
      count: 0,
      last: 0,
    })
  }

  #message(row: MessageRow, line: number): void {
    const tally = this.#sessions.get(row.session_id)
    if (!tally) return
    const sequence = Number(row.sequence)
    if (sequence <= tally.last) {
      throw reject("sequence", `line ${line}: message sequences must increase per session`, {
        line,
      })
    }
    if (tally.count > 0 && sequence !== tally.last + 1) {
      throw reject("sequence", `line ${line}: message sequences of a session have a gap`, { line })
    }
    tally.count++
    tally.last = sequence
  }

  #plan(id: string, changesetId: string, status: string, line: number): void {
    if (this.#changesets.has(changesetId)) {
      throw broken(line, `changeset ${changesetId} belongs to two plans`)
    }
    this.#changesets.add(changesetId)
    this.#plans.set(id, { changesetId, status, seq: 0 })
  }

  #change(row: ChangeRow, line: number): void {
    const plan = this.#plans.get(row.plan_id)
    if (!plan) return
    if (row.changeset_id !== plan.changesetId) {
      throw broken(line, `change ${row.id} names another changeset than its plan's`)
    }
    if (plan.status === "cancelled" || plan.status === "failed") {
      throw broken(line, `plan ${row.plan_id} is ${plan.status} and keeps no changes`)
    }
    if (Number(row.seq) !== plan.seq + 1) {
      throw broken(line, `changes of plan ${row.plan_id} must be numbered 1, 2, 3… in order`)
    }
    plan.seq++
    if (row.before_sha256 !== null) this.#size(row.before_sha256, row.before_size, line)
    if (row.after_sha256 !== null) this.#size(row.after_sha256, row.after_size, line)
  }

  #size(sha256: string, value: number | null, line: number): void {
    const known = this.sizes.get(sha256)
    if (known === undefined) this.sizes.set(sha256, Number(value))
    else if (known !== Number(value)) {
      throw reject("size", `line ${line}: blob ${sha256} is given two sizes`, { line, sha256 })
    }
  }
}
