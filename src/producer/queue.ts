/**
 * The accumulator's per-topic and per-partition state: the deque of batches
 * waiting to be sent, and the idempotent producer's sequence bookkeeping for
 * the partition (Java keeps that in TxnPartitionMap; here it sits beside the
 * deque to save a lookup per batch).
 */
import type { Snapshot, TopicInfo } from '../cluster/metadata.js'
import type { ProducerBatch } from './batch.js'
import { StickyPartitioner, type TopicLayout } from './partitioners.js'
import { ErrorCode } from '../protocol/errors.js'

export class PartitionQueue {
  readonly topic: TopicEntry
  readonly partition: number
  /** Batches not yet sent, or sent and re-enqueued for a retry; oldest first. */
  readonly batches: ProducerBatch[] = []
  /** No batch may be drained while one is in flight (max.in.flight=1 without idempotence). */
  muted = false

  // Idempotence bookkeeping (Java's TxnPartitionEntry).
  /** Producer id and epoch the sequences below belong to (-1n: none yet). */
  producerId = -1n
  producerEpoch = -1
  nextSequence = 0
  lastAckedSequence = -1
  lastAckedOffset = -1n
  /** Batches with a sequence that are not done, by sequence. */
  readonly inflight: ProducerBatch[] = []

  constructor(topic: TopicEntry, partition: number) {
    this.topic = topic
    this.partition = partition
  }

  get first(): ProducerBatch | undefined {
    return this.batches[0]
  }

  get last(): ProducerBatch | undefined {
    return this.batches[this.batches.length - 1]
  }

  toString(): string {
    return `${this.topic.name}-${this.partition}`
  }
}

export class TopicEntry {
  readonly name: string
  readonly partitions: PartitionQueue[] = []
  readonly sticky: StickyPartitioner
  /** Metadata of the topic as of `snapshot`. */
  info: TopicInfo | undefined
  private snapshot: Snapshot | undefined
  layout: TopicLayout = { count: 0, available: [] }
  /** Last time a record was sent to the topic (metadata.max.idle.ms). */
  lastUsedMs: number
  /** Java's CompressionRatioEstimator for this topic. */
  compressionRatio = 1
  /** Batches queued in this topic's deques. */
  queued = 0
  /** Not produced to for metadata.max.idle.ms: its metadata is no longer refreshed. */
  idle = false

  constructor(name: string, stickyBatchSize: number, now: number) {
    this.name = name
    this.sticky = new StickyPartitioner(stickyBatchSize)
    this.lastUsedMs = now
  }

  /** Brings the topic's metadata up to `snapshot`; true when the topic has partitions. */
  refresh(snapshot: Snapshot): boolean {
    if (this.snapshot !== snapshot) {
      this.snapshot = snapshot
      const info = snapshot.topics.get(this.name)
      this.info = info !== undefined && info.errorCode === ErrorCode.NONE && info.partitions.length > 0 ? info : undefined
      if (this.info) {
        const available: number[] = []
        for (const p of this.info.partitions) if (p.leader >= 0) available.push(p.partition)
        this.layout = { count: this.info.partitions.length, available }
      } else {
        this.layout = { count: 0, available: [] }
      }
    }
    return this.info !== undefined
  }

  /** The partition's queue, created on first use. */
  queue(partition: number): PartitionQueue {
    return this.partitions[partition] ?? (this.partitions[partition] = new PartitionQueue(this, partition))
  }

  /** The partition's leader, -1 when unknown. */
  leader(partition: number): number {
    const p = this.info?.partitions[partition]
    return p === undefined ? -1 : p.leader
  }

  /** Java's CompressionRatioEstimator.updateEstimation. */
  observeCompressionRatio(observed: number): void {
    const current = this.compressionRatio
    if (observed > current) this.compressionRatio = Math.max(current + 0.05, observed)
    else if (observed < current) this.compressionRatio = Math.max(current - 0.005, observed)
  }
}
