/**
 * Transactions (KIP-98): the transactional half of Java's TransactionManager.
 *
 * State machine (Java's names in parentheses):
 *
 *     uninitialized --initTransactions--> initializing --producer id--> ready
 *     ready --beginTransaction--> in-transaction
 *     in-transaction --commitTransaction--> committing --EndTxn(commit)--> ready
 *     in-transaction --abortTransaction--> aborting --EndTxn(abort)--> ready
 *     in-transaction | committing --a batch or request failed--> abortable-error
 *     abortable-error --abortTransaction--> aborting --> ready
 *     any --fenced, not authorized, broker state broken--> fatal-error (final)
 *
 * Contract:
 * - `init` finds the transaction coordinator and gets the producer id and
 *   epoch for `transactional.id` (fencing older producers with the same id);
 *   retriable errors are retried until the deadline (`max.block.ms`), and a
 *   timed-out `init` may be called again.
 * - Records may only be sent inside a transaction. Before the first batch to
 *   a partition goes out, the partition is added to the transaction
 *   (AddPartitionsToTxn, protocol v3 and below: the client format); batches
 *   of partitions not added yet wait.
 * - A record that fails inside a transaction makes the transaction
 *   abortable: the records not sent yet fail, `commit` refuses with that
 *   error, and only `abort` leads back to `ready`.
 * - `commit` sends everything pending, waits for it, then ends the
 *   transaction (EndTxn); `abort` fails what has not been sent, waits for
 *   what has, and ends it with abort. A transaction in which nothing was
 *   added ends locally.
 * - `sendOffsets` adds the group's offsets to the transaction
 *   (AddOffsetsToTxn, then TxnOffsetCommit to the group coordinator).
 * - Being fenced (PRODUCER_FENCED, INVALID_PRODUCER_EPOCH), a refused
 *   transactional id and broken broker-side state are fatal: every later
 *   call fails with that error; the producer can only be closed.
 * - A coordinator's non-retriable answer (to InitProducerId, AddPartitionsToTxn,
 *   AddOffsetsToTxn, TxnOffsetCommit, EndTxn) is believed only when the same
 *   request, sent again, gets it again (cluster/confirm.ts): frames carry no
 *   checksum, and a damaged EndTxn answer must neither fence the producer nor
 *   fail a commit the coordinator made. Sent again, an EndTxn the coordinator
 *   completed is answered as done.
 */
import type { Cluster } from '../cluster/cluster.js'
import { backoffDelay, retry, type Backoff } from '../cluster/retry.js'
import { Confirmation } from '../cluster/confirm.js'
import { Coordinator } from '../cluster/router.js'
import { brokerError, KafkaError, restated, TimeoutError } from '../errors.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { isCoordinatorMoved, isProducerFenced, isTransactionFatal, isTransactionRetriable } from '../protocol/error-classes.js'
import { ErrorCode } from '../protocol/errors.js'
import { AddOffsetsToTxnApi } from '../protocol/messages/add-offsets-to-txn.js'
import { AddPartitionsToTxnApi } from '../protocol/messages/add-partitions-to-txn.js'
import { EndTxnApi } from '../protocol/messages/end-txn.js'
import { InitProducerIdApi } from '../protocol/messages/init-producer-id.js'
import { TxnOffsetCommitApi } from '../protocol/messages/txn-offset-commit.js'
import type { TopicPartitionOffset } from '../types.js'
import { impossibleProducerId, type Idempotence, type TransactionListener } from './idempotence.js'
import type { PartitionQueue } from './queue.js'
import { Log } from '../logger.js'

type TransactionState =
  | 'uninitialized' | 'initializing' | 'ready' | 'in-transaction'
  | 'committing' | 'aborting' | 'abortable-error' | 'fatal-error'

/** The consumer's group metadata, as `consumer.groupMetadata()` returns it. */
export interface ConsumerGroupMetadata {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
}

interface TransactionSettings {
  transactionalId: string
  transactionTimeoutMs: number
  backoff: Backoff
}

/** Highest request versions of the client-side (transaction version 1) protocol. */
const ADD_PARTITIONS_MAX_VERSION = 3
const END_TXN_MAX_VERSION = 4

export class Transactions implements TransactionListener {
  state: TransactionState = 'uninitialized'
  readonly transactionalId: string
  /** The abortable or fatal error the producer is in. */
  lastError: KafkaError | undefined
  private readonly cluster: Cluster
  /** The transaction coordinator of `transactionalId`. */
  private readonly coordinator: Coordinator
  private readonly idem: Idempotence
  private readonly settings: TransactionSettings
  /** Partitions were added (or may be tried again): drain again. The Sink subscribes when it is built. */
  wakeup: () => void = () => {}
  /** Partitions the coordinator has in the transaction. */
  private readonly added = new Set<PartitionQueue>()
  /** Partitions waiting to be added. */
  private readonly toAdd = new Set<PartitionQueue>()
  private adding: Promise<void> | undefined
  private addAttempt = 0
  /** AddPartitionsToTxn: a partition's non-retriable error is believed when the next answer repeats it. */
  private readonly addConfirmation = new Confirmation()
  private addTimer: NodeJS.Timeout | undefined
  /** Something was added to the transaction on the coordinator (so EndTxn is needed). */
  private started = false
  /** The epoch must be bumped (InitProducerId with the current id) before the next transaction. */
  private epochBumpRequired = false
  private closed = false

  private readonly log: Log

  constructor(cluster: Cluster, idem: Idempotence, settings: TransactionSettings) {
    this.log = Log.of(cluster, 'producer')
    this.cluster = cluster
    this.idem = idem
    this.settings = settings
    this.transactionalId = settings.transactionalId
    this.coordinator = new Coordinator(cluster, 'transaction', settings.transactionalId)
    idem.transactionListener = this
  }

  // ---------------------------------------------------------------- user operations

  /** initTransactions(): producer id and epoch from the transaction coordinator. */
  async init(deadline: number): Promise<void> {
    this.failIfFatal()
    if (this.state !== 'uninitialized') throw this.invalidState('initTransactions', 'it was already called')
    this.state = 'initializing'
    try {
      await this.initProducerId(deadline, false)
      this.state = 'ready'
    } catch (e) {
      if (this.state === 'initializing') this.state = 'uninitialized'
      throw e
    }
  }

  /** beginTransaction(). */
  begin(): void {
    this.failIfFatal()
    if (this.state !== 'ready') throw this.invalidState('beginTransaction', this.state === 'uninitialized' ? 'call initTransactions() first' : undefined)
    this.state = 'in-transaction'
    this.started = false
  }

  /** A transaction is open (begun and not yet committed or aborted). */
  get isOpen(): boolean {
    return this.state === 'in-transaction' || this.state === 'committing' || this.state === 'abortable-error' || this.state === 'aborting'
  }

  /** The error for a send now, or undefined when sending is allowed. */
  sendError(): KafkaError | undefined {
    switch (this.state) {
      case 'in-transaction':
        return undefined
      case 'uninitialized':
      case 'initializing':
        return new KafkaError('cannot send before initTransactions() completes when "transactional.id" is set', { type: 'ILLEGAL_STATE' })
      case 'abortable-error':
        return new KafkaError(`cannot send: the transaction failed and must be aborted (abortTransaction()); cause: ${this.lastError?.message}`, {
          type: 'ILLEGAL_STATE', cause: this.lastError,
        })
      case 'fatal-error':
        return this.lastError
      default:
        return new KafkaError(`cannot send in state ${this.state}: call beginTransaction() first`, { type: 'ILLEGAL_STATE' })
    }
  }

  /** sendOffsetsToTransaction(): the group's offsets become part of the transaction. */
  async sendOffsets(offsets: TopicPartitionOffset[], group: ConsumerGroupMetadata, deadline: number): Promise<void> {
    this.failIfFatal()
    if (this.state === 'abortable-error') throw this.lastError!
    if (this.state !== 'in-transaction') throw this.invalidState('sendOffsetsToTransaction', 'call beginTransaction() first')
    if (group === null || typeof group !== 'object' || typeof group.groupId !== 'string' || group.groupId === '') {
      throw new KafkaError('sendOffsetsToTransaction(): groupMetadata must be a consumer\'s groupMetadata() with a groupId', { type: 'INVALID_ARGUMENT' })
    }
    try {
      await this.coordinatorCall('AddOffsetsToTxn', deadline, async () => {
        const res = await this.toCoordinator(AddOffsetsToTxnApi, {
          transactionalId: this.transactionalId,
          producerId: this.idem.producerId,
          producerEpoch: this.idem.epoch,
          groupId: group.groupId,
        }, deadline)
        return res.errorCode
      })
      this.started = true
      await this.txnOffsetCommit(offsets, group, deadline)
    } catch (e) {
      this.onRequestError(e)
      throw e
    }
  }

  /**
   * commitTransaction(): `flush` sends and waits for every record; then
   * EndTxn(commit). A transaction that became abortable refuses.
   */
  async commit(flush: () => Promise<void>, deadline: number): Promise<void> {
    this.failIfFatal()
    if (this.state === 'abortable-error') throw this.commitRefused()
    if (this.state !== 'in-transaction' && this.state !== 'committing') throw this.invalidState('commitTransaction', 'call beginTransaction() first')
    this.state = 'committing'
    await flush()
    await this.adding
    this.failIfFatal()
    // The flush may have moved the state on.
    if ((this.state as TransactionState) === 'abortable-error') throw this.commitRefused()
    await this.endTxn(true, deadline)
  }

  /**
   * abortTransaction(): `abortUnsent` fails the records not sent yet,
   * `settle` waits for the ones in flight; then EndTxn(abort).
   */
  async abort(abortUnsent: (error: KafkaError) => void, settle: () => Promise<void>, deadline: number): Promise<void> {
    this.failIfFatal()
    if (this.state !== 'in-transaction' && this.state !== 'abortable-error' && this.state !== 'aborting' && this.state !== 'committing') {
      throw this.invalidState('abortTransaction', 'no transaction is open')
    }
    this.state = 'aborting'
    abortUnsent(new KafkaError('the transaction was aborted before the record was sent', { type: 'TRANSACTION_ABORTED' }))
    await settle()
    await this.adding
    this.failIfFatal()
    // As Java: end the transaction first (a bump while it is open would fence us on older
    // brokers), then, after a failure, bump the epoch (KIP-360) so no sequence gap survives.
    await this.endTxn(false, deadline, !this.epochBumpRequired)
    if (this.epochBumpRequired) {
      await this.initProducerId(deadline, true)
      this.epochBumpRequired = false
    }
    this.finish()
  }

  // ---------------------------------------------------------------- hooks for send and the sink

  /** A batch was created for `q`: the partition joins the transaction if it is new. */
  onNewBatch(q: PartitionQueue): void {
    if (this.added.has(q) || this.toAdd.has(q)) return
    this.toAdd.add(q)
  }

  /** Whether batches of `q` may be drained (the partition is in the transaction). */
  allowed(q: PartitionQueue): boolean {
    return this.added.has(q)
  }

  /** Before each drain: adds pending partitions to the transaction. */
  prepare(): void {
    if (this.toAdd.size === 0 || this.adding !== undefined || this.addTimer !== undefined || this.closed) return
    if (this.state !== 'in-transaction' && this.state !== 'committing') return
    this.adding = this.addPartitions().finally(() => {
      this.adding = undefined
      this.wakeup()
    })
  }

  /** Whether queued batches must fail now (the transaction is abortable or the producer fenced). */
  get failing(): KafkaError | undefined {
    return this.state === 'abortable-error' || this.state === 'fatal-error' ? this.lastError : undefined
  }

  /** A record of the transaction failed: the transaction can only be aborted (or the producer is fenced). */
  onBatchFailed(error: KafkaError): void {
    if (this.state === 'fatal-error') return
    if (isTransactionFatal(error.code)) {
      this.fatal(error)
      return
    }
    // As Java: a failed batch may leave a sequence gap, so the abort bumps the
    // epoch (InitProducerId with the current id, KIP-360), which also resets sequences.
    this.epochBumpRequired = true
    if (this.state !== 'aborting') this.abortable(error)
  }

  /** The sequence state of a partition cannot be resolved: abort, with an epoch bump. */
  requireEpochBump(error: KafkaError): void {
    this.epochBumpRequired = true
    this.onBatchFailed(error)
  }

  close(): void {
    this.closed = true
    if (this.addTimer !== undefined) clearTimeout(this.addTimer)
    this.addTimer = undefined
  }

  // ---------------------------------------------------------------- requests

  private async addPartitions(): Promise<void> {
    const batch = [...this.toAdd]
    const topics = new Map<string, number[]>()
    for (const q of batch) {
      let list = topics.get(q.topic.name)
      if (list === undefined) topics.set(q.topic.name, (list = []))
      list.push(q.partition)
    }
    let retry = false
    try {
      const res = await this.toCoordinator(AddPartitionsToTxnApi, {
        v3AndBelowTransactionalId: this.transactionalId,
        v3AndBelowProducerId: this.idem.producerId,
        v3AndBelowProducerEpoch: this.idem.epoch,
        v3AndBelowTopics: [...topics].map(([name, partitions]) => ({ name, partitions })),
      }, Infinity, ADD_PARTITIONS_MAX_VERSION)
      let error: KafkaError | undefined
      for (const t of res.resultsByTopicV3AndBelow) {
        for (const p of t.resultsByPartition) {
          const q = batch.find((x) => x.topic.name === t.name && x.partition === p.partitionIndex)
          if (q === undefined) continue
          const code = p.partitionErrorCode
          if (code === ErrorCode.NONE) {
            this.toAdd.delete(q)
            this.added.add(q)
            this.started = true
          } else if (isTransactionRetriable(code)) {
            retry = true
            if (isCoordinatorMoved(code)) this.coordinator.invalidate()
          } else if (code !== ErrorCode.OPERATION_NOT_ATTEMPTED) {
            error ??= brokerError(code, { transactionalId: this.transactionalId, topic: t.name, partition: p.partitionIndex })
          }
        }
      }
      if (error !== undefined) {
        if (this.addConfirmation.believe(error)) {
          this.onBatchFailed(error)
          return
        }
        this.log.debug(`transaction ${this.transactionalId}: AddPartitionsToTxn answered ${error.message}; asking again to confirm it`)
        retry = true
      } else this.addConfirmation.reset()
      if (!retry) this.addAttempt = 0
    } catch (e) {
      const err = e instanceof KafkaError ? e : new KafkaError(String(e))
      if (!err.retriable) {
        this.onBatchFailed(err)
        return
      }
      this.coordinator.invalidate()
      retry = true
    }
    if (retry && !this.closed) {
      // Java retries a first CONCURRENT_TRANSACTIONS quickly: the previous transaction is still completing.
      const delay = this.addAttempt === 0 ? 20 : backoffDelay(this.settings.backoff, this.addAttempt - 1)
      this.addAttempt++
      this.addTimer = setTimeout(() => {
        this.addTimer = undefined
        this.wakeup()
      }, delay)
    }
  }

  private async txnOffsetCommit(offsets: TopicPartitionOffset[], group: ConsumerGroupMetadata, deadline: number): Promise<void> {
    const byTopic = new Map<string, { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }[]>()
    for (const o of offsets) {
      let list = byTopic.get(o.topic)
      if (list === undefined) byTopic.set(o.topic, (list = []))
      list.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch ?? -1, committedMetadata: o.metadata ?? '' })
    }
    const body = {
      transactionalId: this.transactionalId,
      groupId: group.groupId,
      producerId: this.idem.producerId,
      producerEpoch: this.idem.epoch,
      generationId: group.generationId ?? -1,
      memberId: group.memberId ?? '',
      groupInstanceId: group.groupInstanceId ?? null,
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    }
    const coordinator = new Coordinator(this.cluster, 'group', group.groupId)
    const context = { transactionalId: this.transactionalId, group: group.groupId }
    // A failed request counts as COORDINATOR_NOT_AVAILABLE: the group coordinator is looked up again.
    await this.untilAnswered('TxnOffsetCommit', deadline, coordinator, context, async () => {
      let code: number = ErrorCode.NONE
      const conn = await coordinator.connection(deadline, 'default')
      const res = await conn.request(TxnOffsetCommitApi, body)
      for (const t of res.topics) for (const p of t.partitions) if (p.errorCode !== ErrorCode.NONE && code === ErrorCode.NONE) code = p.errorCode
      return code
    }, () => brokerError(ErrorCode.COORDINATOR_NOT_AVAILABLE, context))
  }

  private async endTxn(commit: boolean, deadline: number, finish = true): Promise<void> {
    if (!this.started) {
      if (finish) this.finish()
      return
    }
    try {
      await this.coordinatorCall(commit ? 'EndTxn(commit)' : 'EndTxn(abort)', deadline, async () => {
        const res = await this.toCoordinator(EndTxnApi, {
          transactionalId: this.transactionalId,
          producerId: this.idem.producerId,
          producerEpoch: this.idem.epoch,
          committed: commit,
        }, deadline, END_TXN_MAX_VERSION)
        return res.errorCode
      })
    } catch (e) {
      this.onRequestError(e)
      throw e
    }
    this.log.debug(`transaction ${this.transactionalId} ${commit ? 'committed' : 'aborted'}`)
    this.started = false
    if (finish) this.finish()
  }

  private finish(): void {
    this.added.clear()
    this.toAdd.clear()
    this.started = false
    this.lastError = undefined
    this.state = 'ready'
  }

  /** InitProducerId for the transactional id; with `bump`, for the current id and epoch (KIP-360). */
  private async initProducerId(deadline: number, bump: boolean): Promise<void> {
    await this.coordinatorCall('InitProducerId', deadline, async () => {
      const res = await this.toCoordinator(InitProducerIdApi, {
        transactionalId: this.transactionalId,
        transactionTimeoutMs: this.settings.transactionTimeoutMs,
        producerId: bump ? this.idem.producerId : -1n,
        producerEpoch: bump ? this.idem.epoch : -1,
      }, deadline)
      if (res.errorCode === ErrorCode.NONE) {
        const wrong = impossibleProducerId(res.producerId, res.producerEpoch)
        if (wrong !== undefined) throw wrong
        this.idem.setProducerId(res.producerId, res.producerEpoch)
        this.log.debug(`transactional id ${this.transactionalId}: producer id ${res.producerId}, epoch ${res.producerEpoch}`)
      }
      return res.errorCode
    })
  }

  /** Runs a transaction coordinator request until it answers 0 (see `untilAnswered`). */
  private async coordinatorCall(what: string, deadline: number, call: () => Promise<number>): Promise<void> {
    await this.untilAnswered(what, deadline, this.coordinator, { transactionalId: this.transactionalId, api: what }, call)
  }

  /**
   * Runs `call` (one request to `coordinator`, resolving to the response's
   * error code) under the retry policy until it answers 0:
   * - a retriable error thrown by the request forgets the coordinator and is
   *   retried (as `onThrown(error)` when given); a non-retriable one fails
   *   (one carrying a broker code once the next attempt repeats it);
   * - a code in RETRY is retried, NOT_COORDINATOR and COORDINATOR_NOT_AVAILABLE
   *   after forgetting the coordinator; any other code fails as
   *   `brokerError(code, context)` once the next attempt answers it again
   *   (the first time it is asked again after a backoff: retry() confirms it);
   * - when the next backoff would pass `deadline` (max.block.ms), it fails with
   *   a TimeoutError whose cause is the last error.
   */
  private async untilAnswered(
    what: string,
    deadline: number,
    coordinator: Coordinator,
    context: Record<string, unknown>,
    call: () => Promise<number>,
    onThrown?: (error: KafkaError) => KafkaError,
  ): Promise<void> {
    let retried: KafkaError | undefined
    await retry(
      what,
      async () => {
        retried = undefined
        let code: number
        try {
          code = await call()
        } catch (e) {
          const err = e instanceof KafkaError ? e : new KafkaError(String(e))
          if (!err.retriable) throw err
          coordinator.invalidate()
          throw (retried = onThrown !== undefined ? onThrown(err) : err)
        }
        if (code === ErrorCode.NONE) return
        const err = brokerError(code, context)
        if (!isTransactionRetriable(code)) throw err
        if (isCoordinatorMoved(code)) coordinator.invalidate()
        throw (retried = err)
      },
      {
        ...this.settings.backoff,
        deadline,
        // Exactly what this attempt chose to retry: the transaction protocol's list, not the error table's flag.
        // Any other code is final once the next attempt repeats it (retry() confirms it).
        retriable: (e) => e === retried,
        timeoutError: (last) =>
          new TimeoutError(`${what} for transactional id "${this.transactionalId}" did not succeed within max.block.ms; last error: ${last.message}`, { cause: last }),
      },
    )
  }

  private async toCoordinator<Req, Res>(api: ApiDescriptor<Req, Res>, body: Req, deadline: number, maxVersion?: number): Promise<Res> {
    const conn = await this.coordinator.connection(deadline === Infinity ? Date.now() + 60000 : deadline, 'default')
    const version = maxVersion === undefined ? undefined : conn.versionFor(api as ApiDescriptor<unknown, unknown>, maxVersion)
    return conn.request(api, body, version === undefined ? {} : { version })
  }

  // ---------------------------------------------------------------- states

  private onRequestError(e: unknown): void {
    const err = e instanceof KafkaError ? e : new KafkaError(String(e))
    if (isTransactionFatal(err.code)) this.fatal(err)
    else if (err.code === ErrorCode.TRANSACTION_ABORTABLE || (!err.retriable && !(err instanceof TimeoutError))) this.abortable(err)
  }

  private abortable(error: KafkaError): void {
    if (this.state === 'fatal-error') return
    this.log.warn(`transaction ${this.transactionalId} is abortable: ${error.message}`, { transactionalId: this.transactionalId, error })
    this.lastError = error
    this.state = 'abortable-error'
  }

  private fatal(error: KafkaError): void {
    this.log.error(`transactional producer ${this.transactionalId} failed for good: ${error.message}`, { transactionalId: this.transactionalId, error })
    const fenced = isProducerFenced(error.code)
    this.lastError = fenced
      ? new KafkaError(`the producer was fenced: another producer with transactional.id "${this.transactionalId}" has started (${error.message}); close this one`, {
        code: error.code, type: error.type, cause: error,
      })
      : error
    this.state = 'fatal-error'
  }

  private failIfFatal(): void {
    if (this.state === 'fatal-error') throw this.lastError!
  }

  private commitRefused(): KafkaError {
    const message = `cannot commit: the transaction failed and must be aborted (abortTransaction()); cause: ${this.lastError?.message}`
    if (this.lastError === undefined) return new KafkaError(message, { type: 'ILLEGAL_STATE' })
    return restated(this.lastError, message, {
      type: this.lastError.type, ...(this.lastError.code !== undefined ? { code: this.lastError.code } : {}), context: this.lastError.context,
    })
  }

  private invalidState(method: string, hint?: string): KafkaError {
    return new KafkaError(`${method}() cannot be called in state ${this.state}${hint ? `: ${hint}` : ''}`, { type: 'ILLEGAL_STATE' })
  }
}
