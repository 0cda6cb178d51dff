import { ConflictError, NotFoundError, type Store, ValidationError } from "../../index.js"
import { threadSessionId } from "./keys.js"

const TITLE_MAX = 4096

function titleOf(threadId: string): string | null {
  return threadId.length <= TITLE_MAX && !/[\u0000-\u001f\u007f]/.test(threadId) ? threadId : null
}

function missingSession(error: unknown): boolean {
  return error instanceof ValidationError && error.details.field === "sessionId"
}

/**
 * LangGraph threads as sessions of one agent: created on first write, remembered per saver,
 * created again if another process deleted the thread in between.
 */
export class ThreadSessions {
  readonly #store: Store
  readonly #agent: string
  readonly #known = new Set<string>()

  constructor(store: Store, agent: string) {
    this.#store = store
    this.#agent = agent
  }

  async #ensure(threadId: string): Promise<string> {
    const id = threadSessionId(threadId)
    if (this.#known.has(id)) return id
    try {
      await this.#store.sessions.create({
        id,
        agent: this.#agent,
        title: titleOf(threadId),
        metadata: { langgraph: { threadId } },
      })
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error
    }
    this.#known.add(id)
    return id
  }

  /** Runs `write` with the thread's session id, creating the session first when needed. */
  async write<T>(threadId: string, write: (sessionId: string) => Promise<T>): Promise<T> {
    const id = await this.#ensure(threadId)
    try {
      return await write(id)
    } catch (error) {
      if (!missingSession(error)) throw error
      this.#known.delete(id)
      return write(await this.#ensure(threadId))
    }
  }

  /** Deletes the thread's session with every event and artifact it holds; absent is a no-op. */
  async delete(threadId: string): Promise<void> {
    const id = threadSessionId(threadId)
    this.#known.delete(id)
    try {
      await this.#store.sessions.delete(id)
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error
    }
  }
}
