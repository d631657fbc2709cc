/**
 * One broker's KIP-227 fetch session, seen from the client (Java's
 * FetchSessionHandler): which partitions the broker holds in the session and
 * with what fetch state, and the session id and epoch the next request
 * carries.
 *
 * Contract:
 * - `build(partitions)` turns the partitions to fetch now into the next
 *   request's session fields. Without a session (or after a reset) the
 *   request is full: every partition, session id 0, epoch 0. Within a session it
 *   is incremental: only partitions that are new or whose fetch state changed
 *   (offset, leader epoch, last fetched epoch, max bytes), plus
 *   `forgottenTopicsData` naming the session's partitions not asked for now.
 * - Topic ids (Fetch v13+) are used only when every partition's topic has
 *   one and the caller's connection supports them; a switch between names
 *   and ids starts a new session, since the broker keys a session's
 *   partitions by one or the other.
 * - `handleResponse` applies the response's top-level result to the request
 *   `build` made last and says whether its partition data may be used. A
 *   response to a full request with a session id starts the session (epoch
 *   1); one without an id means the broker keeps no session (the next
 *   request is full again). A response to an incremental request moves the
 *   epoch on (wrapping from 2^31-1 to 1, as Java does), or, without an id,
 *   ends the session. Session errors (FETCH_SESSION_ID_NOT_FOUND,
 *   INVALID_FETCH_SESSION_EPOCH, FETCH_SESSION_TOPIC_ID_ERROR) and any other
 *   top-level error reset to a full fetch; so does `reset()`, which the
 *   caller uses after a failed request. Until a response is handled, the
 *   session's partitions are the ones last confirmed by the broker.
 * - `close()` returns the session id and the FINAL epoch (-1) for a request
 *   that closes the session on the broker, and resets; undefined when there
 *   is no session.
 * Nothing here does I/O.
 */
import { isFetchSessionError } from '../protocol/error-classes.js'
import { ErrorCode } from '../protocol/errors.js'
import { MAX_INT } from '../protocol/int32.js'
import type { FetchPartitionInput, ForgottenTopicInput } from '../protocol/messages/fetch.js'
import { ZERO_UUID } from '../protocol/writer.js'

/** The epoch of a request that closes the session. */
export const FINAL_EPOCH = -1

/** The fetch state of one partition, as a request asks for it. */
export interface SessionPartition {
  topic: string
  /** ZERO_UUID when the topic's id is not known. */
  topicId: string
  partition: number
  fetchOffset: bigint
  currentLeaderEpoch: number
  lastFetchedEpoch: number
  maxBytes: number
}

/** A topic of the request, in the shape FetchRequestInput takes. */
export interface SessionTopic {
  topic: string
  topicId: string
  partitions: FetchPartitionInput[]
}

/** The session part of the next Fetch request. */
export interface SessionRequest {
  sessionId: number
  sessionEpoch: number
  /** Every partition is listed (a new session, or none). */
  full: boolean
  /** Topics are named by id (use Fetch v13+); otherwise by name (v12 or lower). */
  useTopicIds: boolean
  topics: SessionTopic[]
  forgottenTopicsData: ForgottenTopicInput[]
  /** Topic id to name, for every partition asked for (empty without topic ids). */
  topicNames: Map<string, string>
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`

export class FetchSession {
  private id = 0
  private epoch = 0
  private usesTopicIds = false
  /** The partitions the broker holds in the session, as last sent. */
  private partitions = new Map<string, SessionPartition>()
  /** What the request built last will make the session, if the broker accepts it. */
  private pending: { full: boolean; partitions: Map<string, SessionPartition> } | undefined

  /** The session id (0: none). */
  get sessionId(): number {
    return this.id
  }

  /** The epoch the next request carries (0: the next request is full). */
  get sessionEpoch(): number {
    return this.epoch
  }

  /**
   * The next request's session fields for fetching `wanted` now.
   * `topicIdsSupported`: the connection speaks Fetch v13+.
   */
  build(wanted: readonly SessionPartition[], topicIdsSupported: boolean): SessionRequest {
    let useTopicIds = topicIdsSupported
    for (const p of wanted) if (!p.topicId || p.topicId === ZERO_UUID) useTopicIds = false
    if (useTopicIds !== this.usesTopicIds) {
      this.reset()
      this.usesTopicIds = useTopicIds
    }
    const full = this.epoch === 0
    const next = new Map<string, SessionPartition>()
    const names = new Map<string, string>()
    const topics = new Map<string, SessionTopic>()
    for (const p of wanted) {
      const k = key(p.topic, p.partition)
      next.set(k, p)
      if (useTopicIds) names.set(p.topicId, p.topic)
      const old = this.partitions.get(k)
      if (!full && old !== undefined && !changed(old, p)) continue
      let t = topics.get(p.topic)
      if (!t) topics.set(p.topic, (t = { topic: p.topic, topicId: useTopicIds ? p.topicId : ZERO_UUID, partitions: [] }))
      t.partitions.push({
        partition: p.partition,
        currentLeaderEpoch: p.currentLeaderEpoch,
        fetchOffset: p.fetchOffset,
        lastFetchedEpoch: p.lastFetchedEpoch,
        logStartOffset: -1n,
        partitionMaxBytes: p.maxBytes,
      })
    }
    const forgotten = new Map<string, ForgottenTopicInput & { partitions: number[] }>()
    if (!full) {
      for (const [k, p] of this.partitions) {
        if (next.has(k)) continue
        let f = forgotten.get(p.topic)
        if (!f) forgotten.set(p.topic, (f = { topic: p.topic, topicId: useTopicIds ? p.topicId : ZERO_UUID, partitions: [] }))
        f.partitions.push(p.partition)
      }
    }
    this.pending = { full, partitions: next }
    return {
      sessionId: this.id,
      sessionEpoch: this.epoch,
      full,
      useTopicIds,
      topics: [...topics.values()],
      forgottenTopicsData: [...forgotten.values()],
      topicNames: names,
    }
  }

  /**
   * Applies the top-level result of the response to the last built request.
   * True: the partition data is the answer to that request (the session
   * moved on); false: the session was reset and the data must be ignored.
   */
  handleResponse(errorCode: number, sessionId: number): boolean {
    const pending = this.pending
    this.pending = undefined
    if (pending === undefined || errorCode !== ErrorCode.NONE) {
      this.reset()
      return false
    }
    if (sessionId === 0) {
      // Full: the broker keeps no session; incremental: the broker ended it.
      this.reset()
      return true
    }
    if (pending.full) {
      this.id = sessionId
      this.epoch = 1
    } else {
      this.epoch = this.epoch >= MAX_INT ? 1 : this.epoch + 1
    }
    this.partitions = pending.partitions
    return true
  }

  /** True when `errorCode` is an error about the session itself (not the partitions). */
  static isSessionError(errorCode: number): boolean {
    return isFetchSessionError(errorCode)
  }

  /** Forgets the session: the next request is full, with session id 0. */
  reset(): void {
    this.id = 0
    this.epoch = 0
    this.partitions = new Map()
    this.pending = undefined
  }

  /**
   * The session fields of a request closing the session on the broker (the
   * FINAL epoch); the handler resets. Undefined when there is no session.
   */
  close(): { sessionId: number; sessionEpoch: number } | undefined {
    const sessionId = this.id
    this.reset()
    return sessionId === 0 ? undefined : { sessionId, sessionEpoch: FINAL_EPOCH }
  }
}

function changed(a: SessionPartition, b: SessionPartition): boolean {
  return a.fetchOffset !== b.fetchOffset || a.currentLeaderEpoch !== b.currentLeaderEpoch ||
    a.lastFetchedEpoch !== b.lastFetchedEpoch || a.maxBytes !== b.maxBytes
}
