/**
 * The idempotent producer (KIP-98, KIP-360): a producer id and epoch from
 * InitProducerId, and per partition a sequence number for every record, so
 * that the broker drops a retried batch it already has and refuses one that
 * would leave a gap. This is the idempotence half of Java's TransactionManager.
 *
 * State machine:
 *
 *     uninitialized --InitProducerId sent--> initializing --id and epoch--> ready
 *          ^                                      |
 *          +------- retriable error, backoff -----+
 *     any --the same non-retriable InitProducerId error twice in a row--> fatal (every record fails)
 *     ready --epoch bump (local, KIP-360)--> ready; epoch exhausted --> uninitialized
 *
 * Contract (as Java):
 * - No batch is drained before the producer has an id (`blocked`).
 * - A batch gets its sequence when first drained and keeps it across retries,
 *   so a retry can never be written twice. Retried batches go out again in
 *   sequence order and only as the first in-flight batch of their partition,
 *   and a partition has at most 5 unfinished batches (the broker recognises a
 *   retry only among a producer's last 5 batches).
 * - OUT_OF_ORDER_SEQUENCE_NUMBER and UNKNOWN_PRODUCER_ID are retried; when
 *   the sequence state of a partition is known to be broken, the epoch is
 *   bumped locally and that partition's in-flight batches are renumbered
 *   from 0 under the new epoch. Other partitions keep their old epoch until
 *   their in-flight batches finish, then start again at 0.
 * - A batch that fails or expires after being sent leaves its partition's
 *   sequence "unresolved": nothing new is drained for that partition until
 *   its in-flight batches settle, then either the acknowledged sequences
 *   prove nothing is missing, or the epoch is bumped.
 * - DUPLICATE_SEQUENCE_NUMBER counts as success (the broker has the batch),
 *   and so does any failure of a batch whose sequences lie below one the
 *   broker already acknowledged under the same id and epoch (its own
 *   acknowledgement was lost: `provenWritten`); its offset is reported -1.
 */
import type { Cluster } from '../cluster/cluster.js'
import { backoffDelay, type Backoff } from '../cluster/retry.js'
import { brokerError, KafkaError } from '../errors.js'
import { Confirmation } from '../cluster/confirm.js'
import { ErrorCode } from '../protocol/errors.js'
import { MAX_INT } from '../protocol/int32.js'
import { InitProducerIdApi } from '../protocol/messages/init-producer-id.js'
import { incrementSequence, type ProducerBatch } from './batch.js'
import type { PartitionQueue } from './queue.js'
import { Log } from '../logger.js'

type IdempotenceState = 'uninitialized' | 'initializing' | 'ready' | 'fatal'

const MAX_EPOCH = 32767

/**
 * An InitProducerId answer no broker gives: a negative producer id or epoch.
 * Frames carry no checksum, and a flipped top bit makes epoch 0 negative; a
 * producer that believed it would have every batch refused with
 * INVALID_PRODUCER_EPOCH (a broker takes a new producer's first epoch only
 * above -1). Returns the retriable CORRUPT_RESPONSE to ask again with, or
 * undefined for a plausible answer.
 */
export function impossibleProducerId(producerId: bigint, epoch: number): KafkaError | undefined {
  if (producerId >= 0n && epoch >= 0) return undefined
  return new KafkaError(`the InitProducerId answer cannot be a broker's: producer id ${producerId}, epoch ${epoch} (neither may be negative); asking again`,
    { type: 'CORRUPT_RESPONSE', retriable: true, context: { api: 'InitProducerId' } })
}

/** Batches per producer and partition whose sequences a broker keeps for duplicate detection (Kafka's NUM_BATCHES_TO_RETAIN). */
export const BROKER_BATCHES_RETAINED = 5

interface IdempotenceSettings {
  backoff: Backoff
  /**
   * Transactional producer: the producer id comes from initTransactions()
   * (not from a lazy InitProducerId), and sequence trouble makes the
   * transaction abortable (told to `transactionListener`) instead of bumping
   * the epoch locally.
   */
  transactional: boolean
}

/** What the sender that uses the producer id is told. */
export interface IdempotenceListener {
  /** The producer got an id: drain again. */
  onReady(): void
  /** InitProducerId failed for good (`fatalError`): fail everything. */
  onFatal(error: KafkaError): void
}

/** What a transactional producer's transaction manager is told. */
export interface TransactionListener {
  /** A batch of the transaction failed for good. */
  onBatchFailed(error: KafkaError): void
  /** A partition's sequences cannot be resolved: the abort must bump the epoch. */
  requireEpochBump(error: KafkaError): void
}

export class Idempotence {
  state: IdempotenceState = 'uninitialized'
  producerId = -1n
  epoch = -1
  fatalError: KafkaError | undefined
  /** A non-retriable InitProducerId error is believed only when the next attempt repeats it. */
  private readonly initConfirmation = new Confirmation()
  private epochBumpRequired = false
  private readonly rewrite = new Set<PartitionQueue>()
  /** Partitions whose sequence state is unknown, with the next sequence they must reach. */
  private readonly unresolved = new Map<PartitionQueue, number>()
  private readonly cluster: Cluster
  private readonly settings: IdempotenceSettings
  /** The Sink subscribes when it is built. */
  listener: IdempotenceListener = { onReady() {}, onFatal() {} }
  /** A transactional producer's Transactions subscribes when it is built. */
  transactionListener: TransactionListener | undefined
  private closed = false
  private retryTimer: NodeJS.Timeout | undefined

  private readonly log: Log

  constructor(cluster: Cluster, settings: IdempotenceSettings) {
    this.log = Log.of(cluster, 'producer')
    this.cluster = cluster
    this.settings = settings
  }

  /** Before each drain (Java: maybeResolveSequences, bumpIdempotentEpochAndResetIdIfNeeded). */
  prepare(): void {
    if (this.unresolved.size > 0) this.resolveSequences()
    if (this.settings.transactional) return
    if (this.epochBumpRequired) this.bumpEpoch()
    if (this.state === 'uninitialized') this.initProducerId(0)
  }

  /** The producer id and epoch a transactional producer got from its coordinator. */
  setProducerId(producerId: bigint, epoch: number): void {
    this.producerId = producerId
    this.epoch = epoch
    this.state = 'ready'
    this.unresolved.clear()
    this.rewrite.clear()
    this.epochBumpRequired = false
  }

  get ready(): boolean {
    return this.state === 'ready'
  }

  private initProducerId(attempt: number): void {
    if (this.closed) return
    this.state = 'initializing'
    const run = async () => {
      const res = await this.cluster.sendAny(InitProducerIdApi, {
        transactionalId: null,
        transactionTimeoutMs: MAX_INT,
        producerId: -1n,
        producerEpoch: -1,
      })
      if (res.errorCode !== ErrorCode.NONE) throw brokerError(res.errorCode, { api: 'InitProducerId' })
      const wrong = impossibleProducerId(res.producerId, res.producerEpoch)
      if (wrong !== undefined) throw wrong
      return res
    }
    run().then(
      (res) => {
        if (this.closed) return
        this.producerId = res.producerId
        this.epoch = res.producerEpoch
        this.state = 'ready'
        this.log.debug(`producer id ${res.producerId}, epoch ${res.producerEpoch}`)
        this.listener.onReady()
      },
      (e: unknown) => {
        if (this.closed) return
        const err = e instanceof KafkaError ? e : new KafkaError(`InitProducerId failed: ${(e as Error).message}`, { cause: e })
        // A non-retriable answer is believed when it comes twice in a row: a corrupt response can decode
        // into any code (see produce-errors.ts), and one more round trip costs a genuine refusal little.
        const confirmed = this.initConfirmation.believe(err)
        if (!err.retriable && confirmed) {
          this.state = 'fatal'
          this.fatalError = new KafkaError(`the idempotent producer could not get a producer id: ${err.message}`, {
            cause: err, type: err.type, ...(err.code !== undefined ? { code: err.code } : {}),
          })
          this.listener.onFatal(this.fatalError)
          return
        }
        const delay = backoffDelay(this.settings.backoff, attempt)
        this.log.info(`InitProducerId failed (${err.message}), retrying in ${delay} ms`, { error: err, delayMs: delay })
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined
          this.initProducerId(attempt + 1)
        }, delay)
      },
    )
  }

  /**
   * Java's shouldStopDrainBatchesForPartition: whether `first` (the head of
   * `q`) must stay queued for now.
   */
  blocked(q: PartitionQueue, first: ProducerBatch): boolean {
    if (this.state !== 'ready') return true
    if (!first.hasSequence) {
      // New batches wait while older-epoch batches of the partition are in flight,
      // or while the partition's sequence state is unknown.
      if (q.inflight.length > 0 && this.isStale(q)) return true
      if (this.unresolved.has(q)) return true
      // Until the partition has acknowledged a batch of this producer id and
      // epoch, one batch at a time: a broker takes any first sequence from a
      // producer it does not know (KIP-360), so a second batch that overtook a
      // first one refused with NOT_LEADER_OR_FOLLOWER (a new topic, a leader
      // moving) would be written first, and the first could then never be.
      if (q.inflight.length > 0 && q.lastAckedSequence < 0) return true
      // The broker remembers a producer's last 5 batches per partition: a retried batch it already
      // has is recognised (DUPLICATE_SEQUENCE_NUMBER) only while at most 4 later ones were written
      // after it. Once 5 or more, it is refused OUT_OF_ORDER_SEQUENCE_NUMBER, which bumps the epoch
      // and renumbers it, and it is written twice. So a partition never has more than 5 unfinished
      // batches, whatever the sink does between a response and its callbacks (it drains the next
      // request first, before a failed batch is back at the head of its queue).
      if (q.inflight.length >= BROKER_BATCHES_RETAINED) return true
      return false
    }
    // A retry goes only as the first in-flight batch of its partition.
    const head = q.inflight[0]
    return head !== undefined && first.baseSequence !== head.baseSequence
  }

  private isStale(q: PartitionQueue): boolean {
    return q.producerId !== this.producerId || q.producerEpoch !== this.epoch
  }

  /** At drain: gives a batch without a sequence the partition's next sequences. */
  assign(q: PartitionQueue, batch: ProducerBatch, transactional: boolean): void {
    if (batch.hasSequence) return
    if (this.isStale(q) && q.inflight.length === 0) this.startAtBeginning(q)
    batch.setProducerState(this.producerId, this.epoch, q.nextSequence, transactional)
    q.nextSequence = incrementSequence(q.nextSequence, batch.recordCount)
    q.inflight.push(batch)
  }

  /** Java's startSequencesAtBeginning: in-flight batches renumbered from 0 under the current id and epoch. */
  private startAtBeginning(q: PartitionQueue): void {
    let sequence = 0
    for (const b of q.inflight) {
      b.resetProducerState(this.producerId, this.epoch, sequence)
      sequence = incrementSequence(sequence, b.recordCount)
    }
    q.producerId = this.producerId
    q.producerEpoch = this.epoch
    q.nextSequence = sequence
    q.lastAckedSequence = -1
    this.unresolved.delete(q)
  }

  private requestEpochBump(q: PartitionQueue): void {
    this.epochBumpRequired = true
    this.rewrite.add(q)
  }

  private bumpEpoch(): void {
    this.epochBumpRequired = false
    if (this.state !== 'ready') return
    if (this.epoch >= MAX_EPOCH) {
      this.log.debug(`epoch exhausted: getting a new producer id`)
      this.producerId = -1n
      this.epoch = -1
      this.state = 'uninitialized'
    } else {
      this.epoch++
      this.log.info(`bumped the epoch of producer ${this.producerId} to ${this.epoch}`, { producerId: this.producerId, epoch: this.epoch })
    }
    if (this.state === 'ready') {
      for (const q of this.rewrite) this.startAtBeginning(q)
    }
    this.rewrite.clear()
  }

  /** Java's TransactionManager.canRetry, for a partition error on a batch that may otherwise be retried. */
  canRetry(batch: ProducerBatch, code: number, logStartOffset: bigint, retriable: boolean): boolean {
    const q = batch.queue
    const transactional = this.settings.transactional
    if (code === ErrorCode.UNKNOWN_PRODUCER_ID) {
      if (logStartOffset === -1n) return true
      if (batch.reopened) return true
      if (q.lastAckedOffset < logStartOffset) {
        // The head of the log was deleted (retention) with our state: renumber (transactional) or bump.
        if (transactional) this.startAtBeginning(q)
        else this.requestEpochBump(q)
        return true
      }
      if (transactional) return false
      // The broker lost our state: bump and renumber.
      this.requestEpochBump(q)
      return true
    }
    if (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
      if (!batch.reopened && q.lastAckedSequence >= 0 && batch.baseSequence <= q.lastAckedSequence &&
        batch.producerEpoch === this.epoch && batch.producerId === this.producerId) {
        // The log is already past this batch: it can never be written under this epoch.
        if (transactional) return false
        this.requestEpochBump(q)
        return true
      }
      const unresolved = this.unresolved.get(q)
      if (unresolved === undefined && (batch.reopened || !this.isNextSequence(q, batch.baseSequence))) return true
      if (transactional) return false
      if (unresolved === undefined || unresolved === batch.baseSequence) this.requestEpochBump(q)
      return true
    }
    return retriable
  }

  /**
   * Whether the broker must have `batch` although its acknowledgement was
   * lost (a corrupt response): it acknowledged later sequences of the same
   * producer id and epoch, and it appends a producer's sequences only
   * without gaps. Such a batch must not be sent again (renumbered under a new
   * epoch it would be written twice); it completes, its offset unknown.
   */
  provenWritten(batch: ProducerBatch): boolean {
    const q = batch.queue
    return batch.hasSequence && !batch.reopened && q.lastAckedSequence >= 0 && batch.producerId === q.producerId &&
      batch.producerEpoch === q.producerEpoch && batch.baseSequence <= batch.lastSequence && batch.lastSequence <= q.lastAckedSequence
  }

  private isNextSequence(q: PartitionQueue, sequence: number): boolean {
    return sequence - q.lastAckedSequence === 1
  }

  /** A batch was acknowledged. */
  completed(batch: ProducerBatch, baseOffset: bigint): void {
    const q = batch.queue
    if (batch.hasSequence && batch.producerId === this.producerId) {
      const last = batch.lastSequence
      if (last > q.lastAckedSequence) q.lastAckedSequence = last
    }
    if (baseOffset >= 0n) {
      const lastOffset = baseOffset + BigInt(batch.recordCount - 1)
      if (lastOffset > q.lastAckedOffset) q.lastAckedOffset = lastOffset
    }
    this.removeInflight(batch)
  }

  /**
   * A batch failed for good. `adjust`: the broker may or may not have it
   * (Java passes attempts < retries), so the partition's sequences are redone
   * under a new epoch.
   */
  failed(batch: ProducerBatch, error: KafkaError, adjust: boolean): void {
    const q = batch.queue
    this.removeInflight(batch)
    const tx = this.settings.transactional
    if (tx) this.transactionListener?.onBatchFailed(error)
    if (!batch.hasSequence) return
    if (error.code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
      if (!tx) this.requestEpochBump(q)
    } else if (error.code === ErrorCode.UNKNOWN_PRODUCER_ID) {
      // The broker has no state for us: the partition starts again at 0.
      q.producerId = -1n
      q.producerEpoch = -1
      q.nextSequence = 0
      q.lastAckedSequence = -1
      q.lastAckedOffset = -1n
      q.inflight.length = 0
      this.unresolved.delete(q)
    } else if (adjust) {
      if (!tx) this.requestEpochBump(q)
      else this.adjustSequences(q, batch)
    }
  }

  /**
   * Java's adjustSequencesDueToFailedBatch (transactional): a batch the broker
   * refused for good leaves a hole; later batches of the partition move down.
   */
  private adjustSequences(q: PartitionQueue, failed: ProducerBatch): void {
    if (q.producerId !== failed.producerId || q.producerEpoch !== failed.producerEpoch) return
    q.nextSequence = Math.max(0, q.nextSequence - failed.recordCount)
    for (const b of q.inflight) {
      if (b.baseSequence < failed.baseSequence) continue
      b.resetProducerState(b.producerId, b.producerEpoch, Math.max(0, b.baseSequence - failed.recordCount))
    }
  }

  /** A batch that had been sent expired: its partition's sequences are unknown until the rest settle. */
  markUnresolved(batch: ProducerBatch): void {
    if (!batch.hasSequence) return
    const next = incrementSequence(batch.lastSequence, 1)
    const q = batch.queue
    const prev = this.unresolved.get(q)
    this.unresolved.set(q, prev === undefined ? next : Math.max(prev, next))
  }

  private resolveSequences(): void {
    for (const q of [...this.unresolved.keys()]) {
      if (q.inflight.length > 0) continue
      if (this.isNextSequence(q, q.nextSequence)) {
        this.unresolved.delete(q)
      } else if (this.settings.transactional) {
        this.unresolved.delete(q)
        this.transactionListener?.requireEpochBump(new KafkaError(
          `the client has not received acknowledgement for some previously sent records of ${q} and can no longer retry them: the transaction must be aborted`,
          { type: 'UNRESOLVED_SEQUENCE' }))
      } else {
        this.requestEpochBump(q)
      }
    }
  }

  private removeInflight(batch: ProducerBatch): void {
    const list = batch.queue.inflight
    const i = list.indexOf(batch)
    if (i >= 0) list.splice(i, 1)
  }

  /** Fails for good with `error` (a fatal broker answer). */
  fail(error: KafkaError): void {
    this.state = 'fatal'
    this.fatalError = error
  }

  close(): void {
    this.closed = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = undefined
  }
}
