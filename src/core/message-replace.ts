import { ConflictError } from "./errors.js"

/**
 * Inside a replace's transaction: refuses it unless the session is still at
 * `expectedSequence` and, when given, the message there is still `expectedLastId`.
 */
export function checkReplace(
  sessionId: string,
  lastSequence: number,
  lastId: string | null,
  expected: { expectedSequence: number; expectedLastId?: string },
): void {
  const { expectedSequence, expectedLastId } = expected
  if (lastSequence !== expectedSequence) {
    throw sequenceConflict(sessionId, lastSequence, expectedSequence)
  }
  if (expectedLastId !== undefined && lastId !== expectedLastId) {
    throw new ConflictError(
      `session ${sessionId} holds ${lastId ?? "no message"} at sequence ${lastSequence}, not ${expectedLastId}`,
      { sessionId, expectedSequence, expectedLastId, actualLastId: lastId },
    )
  }
}

/** The conflict of an append or replace that expected the session at another sequence. */
export function sequenceConflict(
  sessionId: string,
  actualSequence: number | null,
  expectedSequence: number,
): ConflictError {
  return new ConflictError(
    `session ${sessionId} is at sequence ${actualSequence}, not the expected ${expectedSequence}`,
    { sessionId, expectedSequence, actualSequence },
  )
}
