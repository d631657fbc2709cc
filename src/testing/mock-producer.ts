/**
 * MockProducer: a Producer for application unit tests, modelled on the Java
 * client's `MockProducer`. It has the Producer's types and call shapes, talks
 * to no broker, records every sent record in `history()`, and completes sends
 * either at once (`autoComplete: true`, the default) or when the test says so
 * (`completeNext()` / `errorNext(error)`), in send order.
 *
 * What a test may rely on:
 * - A send is recorded in `history()` synchronously, before send() returns.
 * - Offsets count from 0 per topic-partition, in completion order.
 * - The partition is the record's own, else the key's murmur2 partition (as
 *   the real producer and Java choose it) when `partitions` knows the topic's
 *   partition count, else 0 (Java's MockProducer does the same).
 * - Callbacks and promises fire in send order; with async serializers too.
 * - Transactions follow the real producer's state rules (begin before send,
 *   commit/abort only in a transaction); records sent in a transaction move
 *   to `history()` on commit and are dropped on abort, as Java's do.
 * - Each call can be made to fail once with the `*Exception` fields (Java's
 *   `initTransactionException` & co.) or with `fenceProducer()`.
 */
import { KafkaError, SerializationError } from '../errors.js'
import type { ConsumerGroupMetadata } from '../consumer/group/membership.js'
import { partitionForKey } from '../producer/partitioners.js'
import type { Producer } from '../producer/producer.js'
import type { PartitionInfo, ProducerRecord, RecordMetadata, SendCallback, SendOptions } from '../producer/types.js'
import { serializers, type Serializer } from '../serde/serde.js'
import type { Header, TopicPartitionOffset } from '../types.js'

/** The Producer calls a MockProducer offers, with the Producer's exact types. */
export type ProducerApi<K, V> = Pick<Producer<K, V>,
  'send' | 'flush' | 'close' | 'partitionsFor' | 'initTransactions' | 'beginTransaction' |
  'sendOffsetsToTransaction' | 'commitTransaction' | 'abortTransaction'>

export interface MockProducerOptions<K, V> {
  /** Complete every send at once (default true); false: the test calls completeNext()/errorNext(). */
  autoComplete?: boolean
  /** Serializers, used as the real producer uses them (partitioning, sizes, failures). Default: buffers. */
  'key.serializer'?: Serializer<K>
  'value.serializer'?: Serializer<V>
  /** Partition counts of the topics the mock knows (for key partitioning and partitionsFor()). */
  partitions?: Record<string, number>
  /** A partitioner like the real producer's function option. */
  partitioner?: (topic: string, key: K | null | undefined, serializedKey: Buffer | null, partitionCount: number) => number
  /** Make the mock a transactional producer (transactions are then required, as with 'transactional.id'). */
  'transactional.id'?: string
}

interface Pending<K, V> {
  record: ProducerRecord<K, V>
  callback: SendCallback
  /** Settles when the serializers are done: the partition and sizes, or the serialization error. */
  prepared: Promise<Prepared | KafkaError>
  transactional: boolean
}

interface Prepared { partition: number; keySize: number; valueSize: number; timestamp: number }

type InjectedException = 'initTransactionException' | 'beginTransactionException' | 'sendOffsetsToTransactionException' |
  'commitTransactionException' | 'abortTransactionException' | 'sendException' | 'flushException' | 'closeException'

type TransactionState = 'uninitialized' | 'ready' | 'in-transaction' | 'fenced' | 'closed'

function illegalState(message: string): KafkaError {
  return new KafkaError(message, { type: 'ILLEGAL_STATE', retriable: false })
}

const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`

export class MockProducer<K = Buffer, V = Buffer> implements ProducerApi<K, V> {
  private readonly autoComplete: boolean
  private readonly keySerializer: Serializer<K>
  private readonly valueSerializer: Serializer<V>
  private readonly partitionCounts: Map<string, number>
  private readonly partitioner: MockProducerOptions<K, V>['partitioner']
  private readonly transactional: boolean
  private readonly sent: ProducerRecord<K, V>[] = []
  private readonly uncommitted: ProducerRecord<K, V>[] = []
  private readonly pending: Pending<K, V>[] = []
  private readonly nextOffsets = new Map<string, bigint>()
  private readonly offsetsHistory: Map<string, TopicPartitionOffset[]>[] = []
  private uncommittedOffsets = new Map<string, TopicPartitionOffset[]>()
  /** Completions run one after another so that callbacks keep send order. */
  private completions: Promise<void> = Promise.resolve()
  private state: TransactionState
  private isClosed = false
  private flushedOnce = false
  private committedCount = 0
  private abortedCount = 0

  /** Thrown (once) by the next call of that name, then cleared: Java's MockProducer fields. */
  initTransactionException: Error | undefined
  beginTransactionException: Error | undefined
  sendOffsetsToTransactionException: Error | undefined
  commitTransactionException: Error | undefined
  abortTransactionException: Error | undefined
  sendException: Error | undefined
  flushException: Error | undefined
  closeException: Error | undefined

  constructor(options: MockProducerOptions<K, V> = {}) {
    this.autoComplete = options.autoComplete ?? true
    this.keySerializer = options['key.serializer'] ?? (serializers.buffer as unknown as Serializer<K>)
    this.valueSerializer = options['value.serializer'] ?? (serializers.buffer as unknown as Serializer<V>)
    this.partitionCounts = new Map(Object.entries(options.partitions ?? {}))
    this.partitioner = options.partitioner
    this.transactional = options['transactional.id'] !== undefined
    this.state = this.transactional ? 'uninitialized' : 'ready'
  }

  // --- the Producer's calls -------------------------------------------------

  send(record: ProducerRecord<K, V>, options?: SendOptions): Promise<RecordMetadata>
  send(record: ProducerRecord<K, V>, callback: SendCallback, options?: SendOptions): void
  send(record: ProducerRecord<K, V>, callbackOrOptions?: SendCallback | SendOptions): Promise<RecordMetadata> | void {
    if (typeof callbackOrOptions === 'function') return this.doSend(record, callbackOrOptions)
    return new Promise<RecordMetadata>((resolve, reject) => {
      this.doSend(record, (error, metadata) => (error !== null ? reject(error) : resolve(metadata!)))
    })
  }

  async flush(): Promise<void> {
    const e = this.takeException('flushException')
    if (e !== undefined) throw e
    while (this.completeNext());
    this.flushedOnce = true
    await this.completions
  }

  async close(): Promise<void> {
    const e = this.takeException('closeException')
    if (e !== undefined) throw e
    this.isClosed = true
    if (this.state !== 'fenced') this.state = 'closed'
    await this.completions
  }

  async partitionsFor(topic: string): Promise<PartitionInfo[]> {
    this.checkOpen()
    const count = this.partitionCounts.get(topic) ?? 0
    return Array.from({ length: count }, (_, partition) => ({
      topic, partition, leader: null, replicas: [], inSyncReplicas: [], offlineReplicas: [],
    }))
  }

  async initTransactions(): Promise<void> {
    this.checkOpen()
    this.throwIf('initTransactionException')
    if (!this.transactional) throw illegalState('initTransactions(): the mock has no "transactional.id"')
    if (this.state !== 'uninitialized') throw illegalState('initTransactions() was called already')
    this.state = 'ready'
  }

  beginTransaction(): void {
    this.checkOpen()
    this.throwIf('beginTransactionException')
    this.checkTransactional('beginTransaction')
    if (this.state !== 'ready') throw illegalState(`beginTransaction(): expected no transaction in progress (state ${this.state})`)
    this.state = 'in-transaction'
  }

  async sendOffsetsToTransaction(offsets: TopicPartitionOffset[], groupMetadata: ConsumerGroupMetadata): Promise<void> {
    this.checkOpen()
    this.throwIf('sendOffsetsToTransactionException')
    this.checkTransactional('sendOffsetsToTransaction')
    if (this.state !== 'in-transaction') throw illegalState('sendOffsetsToTransaction(): call beginTransaction() first')
    if (offsets.length === 0) return
    const list = this.uncommittedOffsets.get(groupMetadata.groupId) ?? []
    list.push(...offsets.map((o) => ({ ...o })))
    this.uncommittedOffsets.set(groupMetadata.groupId, list)
  }

  async commitTransaction(): Promise<void> {
    this.checkOpen()
    this.throwIf('commitTransactionException')
    this.checkTransactional('commitTransaction')
    if (this.state !== 'in-transaction') throw illegalState('commitTransaction(): no transaction in progress')
    // As the real producer does: the transaction's records are flushed first.
    await this.flush()
    this.sent.push(...this.uncommitted)
    this.uncommitted.length = 0
    if (this.uncommittedOffsets.size > 0) this.offsetsHistory.push(this.uncommittedOffsets)
    this.uncommittedOffsets = new Map()
    this.committedCount++
    this.state = 'ready'
  }

  async abortTransaction(): Promise<void> {
    this.checkOpen()
    this.throwIf('abortTransactionException')
    this.checkTransactional('abortTransaction')
    if (this.state !== 'in-transaction') throw illegalState('abortTransaction(): no transaction in progress')
    // Pending sends of the aborted transaction fail, as the real producer's do.
    this.failPendingTransactional(new KafkaError('the transaction was aborted', { type: 'TRANSACTION_ABORTED', retriable: false }))
    this.uncommitted.length = 0
    this.uncommittedOffsets = new Map()
    this.abortedCount++
    this.state = 'ready'
    await this.completions
  }

  // --- what a test drives and inspects --------------------------------------

  /** Completes the oldest pending send successfully; false when none is pending. */
  completeNext(): boolean {
    return this.finishNext(null)
  }

  /** Fails the oldest pending send with `error`; false when none is pending. */
  errorNext(error: Error): boolean {
    const e = error instanceof KafkaError ? error : new KafkaError(error.message, { cause: error })
    return this.finishNext(e)
  }

  /** Every record sent (and, with transactions, committed), in send order. */
  history(): ProducerRecord<K, V>[] {
    return [...this.sent]
  }

  /** Records sent in the current transaction, not yet committed. */
  uncommittedRecords(): ProducerRecord<K, V>[] {
    return [...this.uncommitted]
  }

  /** Offsets committed through sendOffsetsToTransaction, one map (group id → offsets) per committed transaction. */
  consumerGroupOffsetsHistory(): Map<string, TopicPartitionOffset[]>[] {
    return this.offsetsHistory.map((m) => new Map(m))
  }

  /** Clears the history and the committed-offsets history. */
  clear(): void {
    this.sent.length = 0
    this.uncommitted.length = 0
    this.offsetsHistory.length = 0
  }

  /** True once flush() ran and no send is pending since. */
  flushed(): boolean {
    return this.flushedOnce && this.pending.length === 0
  }

  /** Pending (not yet completed) sends. */
  get pendingCount(): number {
    return this.pending.length
  }

  /** Fences the mock as a newer producer with the same transactional id would: later calls fail with PRODUCER_FENCED. */
  fenceProducer(): void {
    this.checkTransactional('fenceProducer')
    this.state = 'fenced'
  }

  transactionInitialized(): boolean { return this.transactional && this.state !== 'uninitialized' }
  transactionInFlight(): boolean { return this.state === 'in-transaction' }
  transactionCommitted(): boolean { return this.committedCount > 0 }
  transactionAborted(): boolean { return this.abortedCount > 0 }
  /** How many transactions were committed / aborted. */
  get commitCount(): number { return this.committedCount }
  get abortCount(): number { return this.abortedCount }
  closed(): boolean { return this.isClosed }

  // --- internals ------------------------------------------------------------

  private doSend(record: ProducerRecord<K, V>, callback: SendCallback): void {
    let error: KafkaError | undefined = this.stateError()
    if (error === undefined && this.sendException !== undefined) error = this.toKafkaError(this.takeException('sendException')!)
    if (error === undefined && this.transactional && this.state !== 'in-transaction') {
      error = illegalState('cannot send outside a transaction: call beginTransaction() first')
    }
    if (error !== undefined) {
      const e = error
      this.completions = this.completions.then(() => callback(e, null))
      return
    }
    const transactional = this.state === 'in-transaction'
    if (transactional) this.uncommitted.push(record)
    else this.sent.push(record)
    const entry: Pending<K, V> = { record, callback, prepared: this.prepare(record), transactional }
    this.pending.push(entry)
    if (this.autoComplete) this.completeNext()
  }

  /** Runs the serializers (sync or async) and picks the partition. */
  private async prepare(record: ProducerRecord<K, V>): Promise<Prepared | KafkaError> {
    try {
      const headers: Header[] = []
      // Serializers may answer synchronously or with a promise.
      const key = record.key === undefined || record.key === null ? null : await Promise.resolve(this.keySerializer.serialize(record.topic, record.key, headers))
      const value = record.value === null ? null : await Promise.resolve(this.valueSerializer.serialize(record.topic, record.value, headers))
      const count = this.partitionCounts.get(record.topic)
      let partition = 0
      if (record.partition !== undefined && record.partition !== null) {
        partition = record.partition
        if (count !== undefined && (partition < 0 || partition >= count)) {
          return new KafkaError(`partition ${partition} of topic "${record.topic}" does not exist: it has ${count} partitions`, { type: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: false })
        }
      } else if (count !== undefined && count > 0) {
        if (this.partitioner !== undefined) partition = this.partitioner(record.topic, record.key, key, count)
        else if (key !== null) partition = partitionForKey(key, count)
      }
      return { partition, keySize: key === null ? -1 : key.length, valueSize: value === null ? -1 : value.length, timestamp: record.timestamp ?? Date.now() }
    } catch (e) {
      return e instanceof KafkaError
        ? e
        : new SerializationError(`serialization failed for topic "${record.topic}": ${(e as Error).message}`, { cause: e, context: { topic: record.topic } })
    }
  }

  private finishNext(error: KafkaError | null): boolean {
    const entry = this.pending.shift()
    if (entry === undefined) return false
    this.completions = this.completions.then(async () => {
      const prepared = await entry.prepared
      if (prepared instanceof KafkaError) return entry.callback(prepared, null)
      if (error !== null) return entry.callback(error, null)
      const key = tpKey(entry.record.topic, prepared.partition)
      const offset = this.nextOffsets.get(key) ?? 0n
      this.nextOffsets.set(key, offset + 1n)
      entry.callback(null, {
        topic: entry.record.topic,
        partition: prepared.partition,
        offset,
        timestamp: prepared.timestamp,
        serializedKeySize: prepared.keySize,
        serializedValueSize: prepared.valueSize,
      })
    })
    return true
  }

  private failPendingTransactional(error: KafkaError): void {
    for (let i = 0; i < this.pending.length;) {
      const entry = this.pending[i]!
      if (!entry.transactional) { i++; continue }
      this.pending.splice(i, 1)
      this.completions = this.completions.then(() => entry.callback(error, null))
    }
  }

  private stateError(): KafkaError | undefined {
    if (this.state === 'fenced') return new KafkaError('the producer was fenced by a newer producer with the same transactional.id', { type: 'PRODUCER_FENCED', retriable: false })
    if (this.isClosed) return illegalState('the producer is closed')
    return undefined
  }

  private checkOpen(): void {
    const e = this.stateError()
    if (e !== undefined) throw e
  }

  private checkTransactional(call: string): void {
    if (!this.transactional) throw illegalState(`${call}(): the mock has no "transactional.id"`)
    if (this.state === 'uninitialized') throw illegalState(`${call}(): call initTransactions() first`)
  }

  private takeException(name: InjectedException): Error | undefined {
    const e = this[name]
    this[name] = undefined
    return e
  }

  private throwIf(name: InjectedException): void {
    const e = this.takeException(name)
    if (e !== undefined) throw e
  }

  private toKafkaError(e: Error): KafkaError {
    return e instanceof KafkaError ? e : new KafkaError(e.message, { cause: e })
  }
}
