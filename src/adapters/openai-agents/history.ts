import { ConflictError, type Message, type Store } from "../../index.js"

/** Rows per page; the store's largest page. */
const PAGE = 1000
/** How often a read that a concurrent rewrite cut into is started again. */
const READ_ATTEMPTS = 5

/**
 * Reads the newest `limit` messages (all when undefined), oldest first, as one consistent
 * state. Within one page the store reads a snapshot. Across pages, every rewrite is a cut
 * followed by appends and ids are never reused, so the read is consistent if the message that
 * bounds the pages already read is still there: otherwise it starts again.
 */
export async function readMessages(
  store: Store,
  sessionId: string,
  limit?: number,
): Promise<Message[]> {
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    const { messages, boundary } =
      limit === undefined
        ? await readForward(store, sessionId)
        : await readBackward(store, sessionId, limit)
    if (!boundary || (await stillThere(store, sessionId, boundary))) return messages
  }
  throw new ConflictError(`session ${sessionId} kept being rewritten while it was read`, {
    sessionId,
  })
}

interface Read {
  messages: Message[]
  /** The message at the edge of the pages read before the last one. */
  boundary?: Message
}

async function readForward(store: Store, sessionId: string): Promise<Read> {
  const messages: Message[] = []
  let boundary: Message | undefined
  for (let after = 0; ; ) {
    const page = await store.messages.list(sessionId, { after, limit: PAGE })
    messages.push(...page.messages)
    if (!page.hasMore || page.nextCursor === undefined) break
    boundary = page.messages[page.messages.length - 1]
    after = page.nextCursor
  }
  return boundary ? { messages, boundary } : { messages }
}

async function readBackward(store: Store, sessionId: string, limit: number): Promise<Read> {
  if (limit <= PAGE)
    return { messages: (await store.messages.list(sessionId, { latest: limit })).messages }
  const pages: Message[][] = []
  let boundary: Message | undefined
  let left = limit
  for (let before: number | undefined; left > 0; ) {
    const take = Math.min(PAGE, left)
    const page = await store.messages.list(sessionId, {
      order: "desc",
      limit: take,
      ...(before === undefined ? {} : { before }),
    })
    pages.push(page.messages.reverse())
    left -= page.messages.length
    if (!page.hasMore || page.nextCursor === undefined || left <= 0) break
    boundary ??= page.messages[0]
    before = page.nextCursor
  }
  const messages = pages.reverse().flat()
  return boundary ? { messages, boundary } : { messages }
}

async function stillThere(store: Store, sessionId: string, message: Message): Promise<boolean> {
  const { messages } = await store.messages.list(sessionId, {
    after: message.sequence - 1,
    limit: 1,
  })
  return messages[0]?.id === message.id
}
