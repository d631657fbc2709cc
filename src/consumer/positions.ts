/**
 * The consumer's partition state (Java's SubscriptionState): what is
 * subscribed or assigned, and per assigned partition the position (the offset
 * of the next record poll will return), the fetch offset (the next offset the
 * fetcher asks for, ahead of the position by what is prefetched), the
 * prefetched data, pause state and pending resets.
 *
 * Contract:
 * - `position` only moves when poll hands records to the user, or on seek and
 *   reset; so committing positions never covers a record the user has not been
 *   given.
 * - Every seek, reset, revoke or re-assignment bumps the partition's `epoch`:
 *   fetch responses and offset look-ups started under an older epoch are
 *   dropped, never applied.
 */
import { KafkaError } from '../errors.js'
import type { TopicPartition, TopicPartitionOffset } from '../types.js'
import type { CompletedFetch } from './fetch-buffer.js'
import type { FetchSizeHint } from './fetch-size.js'

export type ResetStrategy = 'earliest' | 'latest' | 'none'

/** What position look-ups need from the consumer's config, translated once by the consumer. */
export interface PositionSettings {
  /** auto.offset.reset: where a partition without a committed offset starts. */
  autoOffsetReset: ResetStrategy
  /** isolation.level, for ListOffsets (with read_committed, "latest" is the last stable offset). */
  isolationLevel: 'read_uncommitted' | 'read_committed'
  /** default.api.timeout.ms: how long one look-up (committed offsets, then ListOffsets) may take. */
  lookupTimeoutMs: number
  /** retry.backoff.ms: a partition's wait after a failed look-up. */
  retryBackoffMs: number
  /** retry.backoff.max.ms: a partition's wait after "none" was reported to poll. */
  retryBackoffMaxMs: number
}

export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}

export class PartitionState {
  readonly topic: string
  readonly partition: number
  readonly key: string
  /** Next offset poll returns; null until initialised (committed offset or reset). */
  position: bigint | null = null
  /** Leader epoch of the last record returned (committed with the offset). */
  positionEpoch: number | undefined
  /** Next offset to fetch; equals `position` when nothing is prefetched. */
  fetchOffset = 0n
  /** Epoch of the last fetched batch (KIP-320 truncation detection). */
  lastFetchedEpoch = -1
  /** What the next fetch asks for at `fetchOffset` when the last answer told the next batch's size (fetch-size.ts). */
  fetchSizeHint: FetchSizeHint | undefined
  paused = false
  /**
   * A rebalance listener callback for this partition (onPartitionsAssigned,
   * onPartitionsRevoked, onPartitionsLost) is running: nothing is fetched or
   * returned for it until the callback completes, so records never reach the
   * application before it has set up (or torn down) its state, as with Java's
   * consumer, where callbacks run inside poll.
   */
  inCallback = false
  /** A reset asked for by seekToBeginning/seekToEnd, applied lazily. */
  pendingReset: 'earliest' | 'latest' | undefined
  /** Prefetched data, oldest first. */
  readonly buffered: CompletedFetch[] = []
  bufferedBytes = 0
  /** A fetch for this partition is in flight. */
  inFlight = false
  /** Bumped on seek/reset/revoke so stale responses are dropped. */
  epoch = 0
  /** No fetch before this time (after an error). */
  retryAt = 0
  /** The replica the leader told us to read from (KIP-392), until `preferredUntil`. */
  preferredReplica = -1
  preferredUntil = 0
  highWatermark = -1n
  lastStableOffset = -1n
  logStartOffset = -1n
  /** An offset look-up (committed or reset) is running for this epoch. */
  initialising = false
  /** Whether the committed offset was already looked up for this assignment. */
  committedChecked = false

  constructor(topic: string, partition: number) {
    this.topic = topic
    this.partition = partition
    this.key = tpKey(topic, partition)
  }

  get tp(): TopicPartition {
    return { topic: this.topic, partition: this.partition }
  }

  /** Drops prefetched data and moves both offsets (seek, reset, truncation). */
  seek(offset: bigint, leaderEpoch?: number): void {
    this.clearBuffer()
    this.epoch++
    this.position = offset
    this.positionEpoch = leaderEpoch
    this.fetchOffset = offset
    this.lastFetchedEpoch = leaderEpoch ?? -1
    this.pendingReset = undefined
    this.retryAt = 0
  }

  /** Forgets the position: it is looked up again (committed offset, then reset policy). */
  invalidate(reset?: 'earliest' | 'latest'): void {
    this.clearBuffer()
    this.epoch++
    this.position = null
    this.positionEpoch = undefined
    this.pendingReset = reset
    this.initialising = false
    this.committedChecked = reset !== undefined
  }

  clearBuffer(): void {
    this.buffered.length = 0
    this.bufferedBytes = 0
    if (this.position !== null) this.fetchOffset = this.position
  }

  get hasPosition(): boolean {
    return this.position !== null
  }
}

type SubscriptionType = 'none' | 'topics' | 'pattern' | 'assigned'

export class SubscriptionState {
  type: SubscriptionType = 'none'
  topics: string[] = []
  pattern: RegExp | undefined
  private readonly parts = new Map<string, PartitionState>()

  subscribeTopics(topics: string[]): boolean {
    this.check('topics')
    const next = [...new Set(topics)].sort()
    const changed = this.type !== 'topics' || next.join('\u0000') !== this.topics.join('\u0000')
    this.type = 'topics'
    this.topics = next
    this.pattern = undefined
    return changed
  }

  subscribePattern(pattern: RegExp): boolean {
    this.check('pattern')
    const changed = this.type !== 'pattern' || this.pattern?.source !== pattern.source || this.pattern.flags !== pattern.flags
    this.type = 'pattern'
    this.pattern = pattern
    return changed
  }

  /** Manual assignment: replaces the assigned set, keeping the state of partitions assigned before. */
  assignManually(tps: TopicPartition[]): void {
    this.check('assigned')
    this.type = 'assigned'
    this.topics = [...new Set(tps.map((t) => t.topic))].sort()
    this.setAssignment(tps)
  }

  unsubscribe(): void {
    this.type = 'none'
    this.topics = []
    this.pattern = undefined
    this.setAssignment([])
  }

  private check(next: SubscriptionType): void {
    if (this.type !== 'none' && this.type !== next && !(this.type === 'topics' && next === 'pattern') && !(this.type === 'pattern' && next === 'topics')) {
      throw new KafkaError(
        this.type === 'assigned'
          ? 'subscribe() after assign(): a consumer uses either group subscription or manual assignment; call unsubscribe() first'
          : 'assign() after subscribe(): a consumer uses either group subscription or manual assignment; call unsubscribe() first',
        { type: 'ILLEGAL_STATE' },
      )
    }
  }

  /** Whether `topic` is part of the subscription (topic list or pattern). */
  matches(topic: string): boolean {
    if (this.type === 'pattern') {
      this.pattern!.lastIndex = 0
      return this.pattern!.test(topic)
    }
    return this.topics.includes(topic)
  }

  /** Replaces the assigned partitions; returns what was added and removed. */
  setAssignment(tps: TopicPartition[]): { added: TopicPartition[]; removed: TopicPartition[] } {
    const next = new Map<string, TopicPartition>()
    for (const tp of tps) next.set(tpKey(tp.topic, tp.partition), tp)
    const removed: TopicPartition[] = []
    for (const [k, s] of this.parts) {
      if (!next.has(k)) {
        s.clearBuffer()
        s.epoch++
        this.parts.delete(k)
        removed.push(s.tp)
      }
    }
    const added: TopicPartition[] = []
    for (const [k, tp] of next) {
      if (!this.parts.has(k)) {
        this.parts.set(k, new PartitionState(tp.topic, tp.partition))
        added.push({ topic: tp.topic, partition: tp.partition })
      }
    }
    return { added, removed }
  }

  addPartitions(tps: TopicPartition[]): TopicPartition[] {
    return this.setAssignment([...this.assignment(), ...tps]).added
  }

  removePartitions(tps: TopicPartition[]): TopicPartition[] {
    const drop = new Set(tps.map((t) => tpKey(t.topic, t.partition)))
    return this.setAssignment(this.assignment().filter((t) => !drop.has(tpKey(t.topic, t.partition)))).removed
  }

  get(topic: string, partition: number): PartitionState | undefined {
    return this.parts.get(tpKey(topic, partition))
  }

  /** The state of an assigned partition, or an error naming it. */
  require(tp: TopicPartition, what: string): PartitionState {
    const s = this.parts.get(tpKey(tp.topic, tp.partition))
    if (!s) {
      throw new KafkaError(`${what}: partition ${tp.topic}-${tp.partition} is not assigned to this consumer`, {
        type: 'ILLEGAL_STATE',
        context: { topic: tp.topic, partition: tp.partition },
      })
    }
    return s
  }

  states(): IterableIterator<PartitionState> {
    return this.parts.values()
  }

  get size(): number {
    return this.parts.size
  }

  assignment(): TopicPartition[] {
    return [...this.parts.values()].map((s) => s.tp)
  }

  /** The positions reached, for commits: partitions with a known position. */
  allConsumed(): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = []
    for (const s of this.parts.values()) {
      if (s.position === null) continue
      out.push({ topic: s.topic, partition: s.partition, offset: s.position, ...(s.positionEpoch !== undefined ? { leaderEpoch: s.positionEpoch } : {}) })
    }
    return out
  }
}
