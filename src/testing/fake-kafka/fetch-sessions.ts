/**
 * KIP-227 fetch sessions, the broker's side (Kafka's FetchSession /
 * FetchSessionCache): one cache per fake broker, keyed by session id.
 *
 * - A full Fetch (epoch 0) creates a session holding the request's
 *   partitions with their fetch state; its id goes back in the response and
 *   the session's epoch becomes 1. Epoch -1 (FINAL) with id 0 is a
 *   sessionless full fetch; a full fetch naming a session id first removes
 *   that session.
 * - An incremental Fetch names the id and the epoch the broker expects:
 *   an unknown id is FETCH_SESSION_ID_NOT_FOUND, another epoch
 *   INVALID_FETCH_SESSION_EPOCH, a switch between topic names (v7-12) and
 *   ids (v13+) FETCH_SESSION_TOPIC_ID_ERROR. Otherwise the request's
 *   partitions are added or updated, the forgotten ones removed, the epoch
 *   moves on (wrapping from 2^31-1 to 1), and the fetch reads every
 *   partition of the session; the response carries only partitions with
 *   records, an error, or a changed high watermark, last stable offset or
 *   log start offset, and those move to the end of the session's order (so
 *   that the others get their share of the response's bytes next time). A
 *   session left without partitions is removed (the response says id 0).
 * - The cache holds at most `slots` sessions (Kafka's
 *   max.incremental.fetch.session.cache.slots, default 1000); creating one
 *   more evicts the least recently used. Killing a broker empties its cache.
 */
import crypto from 'node:crypto'

/** One partition of a session: what the client asked for last and what the broker answered last. */
export interface CachedPartition {
  topic: string
  /** ZERO_UUID in sessions keyed by name. */
  topicId: string
  partition: number
  fetchOffset: bigint
  currentLeaderEpoch: number
  maxBytes: number
  /** Sent in the last response that carried this partition (-1n before any). */
  highWatermark: bigint
  lastStableOffset: bigint
  logStartOffset: bigint
}

export class FetchSession {
  epoch = 1
  lastUsed = Date.now()
  /** Keyed by `sessionKey`, in the order partitions are read. */
  readonly partitions = new Map<string, CachedPartition>()

  constructor (readonly id: number, readonly usesTopicIds: boolean) {}

  nextEpoch (): void {
    this.epoch = this.epoch >= 2147483647 ? 1 : this.epoch + 1
  }
}

/** A session's key for a partition: the topic id (v13+) or name, and the partition. */
export function sessionKey (usesTopicIds: boolean, topic: string, topicId: string, partition: number): string {
  return `${usesTopicIds ? topicId : topic}\u0000${partition}`
}

export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>()

  constructor (readonly slots = 1000) {}

  get size (): number { return this.sessions.size }

  get (id: number): FetchSession | undefined {
    const s = this.sessions.get(id)
    if (s !== undefined) s.lastUsed = Date.now()
    return s
  }

  /** A new session (evicting the least recently used one when the cache is full), or undefined with no slots. */
  create (usesTopicIds: boolean): FetchSession | undefined {
    if (this.slots <= 0) return undefined
    if (this.sessions.size >= this.slots) {
      let oldest: FetchSession | undefined
      for (const s of this.sessions.values()) if (oldest === undefined || s.lastUsed < oldest.lastUsed) oldest = s
      this.sessions.delete(oldest!.id)
    }
    let id = 0
    while (id === 0 || this.sessions.has(id)) id = crypto.randomInt(1, 2147483647)
    const session = new FetchSession(id, usesTopicIds)
    this.sessions.set(id, session)
    return session
  }

  list (): FetchSession[] { return [...this.sessions.values()] }

  remove (id: number): void { this.sessions.delete(id) }

  clear (): void { this.sessions.clear() }
}
