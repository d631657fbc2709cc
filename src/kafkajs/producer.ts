/**
 * KafkaJS's producer on samsa's {@link SamsaProducer}.
 *
 * Contract:
 * - `send`/`sendBatch` need `connect()` first (as in KafkaJS) and resolve once
 *   every message is acknowledged, with one RecordMetadata per partition
 *   written (`baseOffset` the first offset this call wrote there), or `[]`
 *   with `acks: 0`. If any message fails, the call rejects with a KafkaJS
 *   error; the other messages of the call may have been written (as in
 *   KafkaJS).
 * - Nothing lingers: each call's messages go out at once (`linger.ms` 0).
 * - `acks` and `compression` are per call, so one samsa producer is kept per
 *   distinct (acks, compression) pair, created on first use; all of them
 *   share the KafkaJS producer's options.
 * - The partition comes from the KafkaJS partitioner (`createPartitioner`,
 *   default `Partitioners.DefaultPartitioner`), called with the topic's
 *   partition metadata and the message, exactly as KafkaJS calls it.
 * - `idempotent` defaults to false (KafkaJS's default, unlike samsa's); an
 *   idempotent producer refuses `acks` other than -1.
 * - `transaction()` runs on one more samsa producer with `transactional.id`;
 *   sends outside a transaction still use the non-transactional producers.
 * - `disconnect()` flushes and closes every samsa producer; afterwards the
 *   process can exit.
 */
import { Producer as SamsaProducer } from '../producer/producer.js'
import type { RecordMetadata as SamsaRecordMetadata, PartitionInfo } from '../producer/types.js'
import { parseProducerConfig } from '../config/producer.js'
import type { Header } from '../types.js'
import { compressionType, producerConfig, type CommonConfig } from './config.js'
import type { ClientContext } from './context.js'
import { Instrumentation, PRODUCER_EVENTS } from './events.js'
import { KafkaJSError, KafkaJSNonRetriableError, toKafkaJSError } from './errors.js'
import { Partitioners } from './partitioners.js'
import { abortable, checkSignal, throwIfAborted } from '../util/abort.js'
import {
  CompressionTypes,
  type IHeaders,
  type Logger,
  type Message,
  type Offsets,
  type PartitionMetadata,
  type Producer,
  type ProducerBatch,
  type ProducerConfig,
  type ProducerEventMap,
  type ProducerEvents,
  type ProducerRecord,
  type RecordMetadata,
  type TopicMessages,
  type Transaction,
  type ValueOf,
  type AbortOptions,
} from './types.js'
import { ErrorCode } from '../protocol/errors.js'

type Status = 'disconnected' | 'connecting' | 'connected' | 'disconnecting'

/** A message value, key or header value as bytes. */
function toBuffer(v: unknown): Buffer | null {
  if (v === null || v === undefined) return null
  if (Buffer.isBuffer(v)) return v
  if (typeof v === 'string') return Buffer.from(v, 'utf8')
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength)
  return Buffer.from(String(v), 'utf8')
}

/** KafkaJS headers (an object; an array value means the key repeats) → samsa headers. */
function toHeaders(h: IHeaders | undefined): Header[] | undefined {
  if (h === undefined || h === null) return undefined
  const out: Header[] = []
  for (const key of Object.keys(h)) {
    const v = h[key]
    if (v === undefined) continue
    for (const x of Array.isArray(v) ? v : [v]) out.push({ key, value: toBuffer(x) })
  }
  return out.length === 0 ? undefined : out
}

/** samsa partition info → KafkaJS partition metadata, sorted by partition. */
function toPartitionMetadata(info: PartitionInfo[]): PartitionMetadata[] {
  return info
    .map((p) => ({
      partitionErrorCode: ErrorCode.NONE,
      partitionId: p.partition,
      leader: p.leader?.id ?? -1,
      replicas: p.replicas.map((n) => n.id),
      isr: p.inSyncReplicas.map((n) => n.id),
      offlineReplicas: p.offlineReplicas.map((n) => n.id),
    }))
    .sort((a, b) => a.partitionId - b.partitionId)
}

function checkTopicMessages(topicMessages: TopicMessages[]): TopicMessages[] {
  if (!Array.isArray(topicMessages)) throw new KafkaJSNonRetriableError(`Invalid topicMessages ${String(topicMessages)}`)
  if (topicMessages.some((t) => !t?.topic)) throw new KafkaJSNonRetriableError('Invalid topic')
  const merged = new Map<string, Message[]>()
  for (const { topic, messages } of topicMessages) {
    if (!Array.isArray(messages)) throw new KafkaJSNonRetriableError(`Invalid messages array [${String(messages)}] for topic "${topic}"`)
    const missing = messages.find((m) => m === null || typeof m !== 'object' || m.value === undefined)
    if (missing !== undefined) throw new KafkaJSNonRetriableError(`Invalid message without value for topic "${topic}": ${JSON.stringify(missing)}`)
    const list = merged.get(topic)
    if (list) list.push(...messages)
    else merged.set(topic, [...messages])
  }
  return [...merged].map(([topic, messages]) => ({ topic, messages }))
}

export class ProducerFacade implements Producer {
  readonly events: ProducerEvents = PRODUCER_EVENTS
  private readonly instrumentation: Instrumentation<ProducerEvents>
  private readonly log: Logger
  private readonly partitioner: ReturnType<NonNullable<ProducerConfig['createPartitioner']>>
  private readonly producers = new Map<string, SamsaProducer>()
  private status: Status = 'disconnected'
  private common: CommonConfig | undefined
  private transactional: TransactionalState | undefined

  constructor(private readonly context: ClientContext, private readonly options: ProducerConfig = {}) {
    this.log = context.logger.namespace('Producer')
    this.instrumentation = new Instrumentation(PRODUCER_EVENTS, 'producer', this.log)
    if (options.idempotent && options.retry?.retries !== undefined && options.retry.retries < 1) {
      throw new KafkaJSNonRetriableError('Idempotent producer must allow retries to protect against transient errors')
    }
    // Validate the samsa config now, so a bad option fails here rather than in send().
    try {
      parseProducerConfig(producerConfig(context.common(context.staticBrokers()), options, context.config, { acks: -1, compression: CompressionTypes.None }))
    } catch (e) {
      throw toKafkaJSError(e)
    }
    this.partitioner = (options.createPartitioner ?? Partitioners.DefaultPartitioner)()
  }

  logger(): Logger {
    return this.log
  }

  on<E extends ValueOf<ProducerEvents>>(eventName: E, listener: (event: ProducerEventMap[E]) => void): () => void {
    return this.instrumentation.on(eventName, listener as never)
  }

  isIdempotent(): boolean {
    return this.options.idempotent === true
  }

  async connect(): Promise<void> {
    this.status = 'connecting'
    try {
      const common = this.context.common(await this.context.brokers())
      await this.context.checkConnection(common, this.options.retry)
      this.common = common
      this.status = 'connected'
    } catch (e) {
      this.status = 'disconnected'
      throw toKafkaJSError(e)
    }
    this.instrumentation.emit(PRODUCER_EVENTS.CONNECT)
  }

  async disconnect(): Promise<void> {
    this.status = 'disconnecting'
    const all = [...this.producers.values()]
    if (this.transactional) all.push(this.transactional.producer)
    this.producers.clear()
    this.transactional = undefined
    const closed = await Promise.allSettled(all.map((p) => p.close()))
    this.status = 'disconnected'
    for (const r of closed) if (r.status === 'rejected') this.log.error(`Error while closing the producer: ${(r.reason as Error)?.message}`)
    this.instrumentation.emit(PRODUCER_EVENTS.DISCONNECT)
  }

  private checkConnected(): CommonConfig {
    if (this.status === 'disconnecting') {
      throw new KafkaJSNonRetriableError("The producer is disconnecting; therefore, it can't safely accept messages anymore")
    }
    if (this.status !== 'connected' || this.common === undefined) throw new KafkaJSError('The producer is disconnected')
    return this.common
  }

  /** Sends `p`'s requests to the REQUEST* events. */
  private observed(p: SamsaProducer): SamsaProducer {
    this.instrumentation.observe(p, PRODUCER_EVENTS, this.context.config.clientId ?? 'kafkajs')
    return p
  }

  /** The samsa producer for this (acks, compression) pair. */
  private producerFor(acks: number, compression: CompressionTypes | undefined): SamsaProducer {
    const common = this.checkConnected()
    const key = `${acks}/${compressionType(compression)}`
    let p = this.producers.get(key)
    if (p === undefined) {
      try {
        p = this.observed(new SamsaProducer(producerConfig(common, this.options, this.context.config, { acks, compression })))
      } catch (e) {
        throw toKafkaJSError(e)
      }
      this.producers.set(key, p)
    }
    return p
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    const { acks, timeout, compression, topic, messages, signal } = record ?? ({} as ProducerRecord)
    return this.sendBatch({ acks, timeout, compression, topicMessages: [{ topic, messages }], signal } as ProducerBatch)
  }

  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    const { acks = -1, compression, topicMessages = [], signal } = batch ?? {}
    const merged = checkTopicMessages(topicMessages)
    if (this.options.idempotent && acks !== -1) {
      throw new KafkaJSNonRetriableError("Not requiring ack for all messages invalidates the idempotent producer's EoS guarantees")
    }
    return produce(this.producerFor(acks, compression), merged, this.partitioner, acks, signal)
  }

  /** Begins a transaction (initialising the transactional producer the first time). */
  async transaction(): Promise<Transaction> {
    const transactionalId = this.options.transactionalId
    if (!transactionalId) throw new KafkaJSNonRetriableError('Must provide transactional id for transactional producer')
    if (this.transactional?.active) {
      throw new KafkaJSNonRetriableError('There is already an ongoing transaction for this producer. Please end the transaction before beginning another.')
    }
    const common = this.checkConnected()
    try {
      if (this.transactional === undefined) {
        const producer = this.observed(new SamsaProducer(producerConfig(common, this.options, this.context.config, { acks: -1, compression: CompressionTypes.None, transactional: true })))
        this.transactional = { producer, initialised: false, active: false }
      }
      const state = this.transactional
      if (!state.initialised) {
        await state.producer.initTransactions()
        state.initialised = true
      }
      state.producer.beginTransaction()
      state.active = true
      return this.transactionFor(state)
    } catch (e) {
      throw toKafkaJSError(e)
    }
  }

  private transactionFor(state: TransactionalState): Transaction {
    const active = () => {
      if (!state.active) throw new KafkaJSNonRetriableError('Transaction is not active: it was committed or aborted')
    }
    const end = async (how: 'commit' | 'abort', options?: AbortOptions) => {
      active()
      try {
        if (how === 'commit') await state.producer.commitTransaction({ signal: options?.signal })
        else await state.producer.abortTransaction({ signal: options?.signal })
        state.active = false
      } catch (e) {
        throw toKafkaJSError(e)
      }
    }
    const sendBatch = async (batch: ProducerBatch): Promise<RecordMetadata[]> => {
      active()
      const { acks = -1, topicMessages = [], signal } = batch ?? {}
      if (acks !== -1) throw new KafkaJSNonRetriableError("Not requiring ack for all messages invalidates the idempotent producer's EoS guarantees")
      return produce(state.producer, checkTopicMessages(topicMessages), this.partitioner, acks, signal)
    }
    return {
      sendBatch,
      send: (record: ProducerRecord) => sendBatch({ acks: record?.acks, topicMessages: [{ topic: record?.topic, messages: record?.messages }], signal: record?.signal } as ProducerBatch),
      sendOffsets: async ({ consumerGroupId, topics, signal }: Offsets & { consumerGroupId: string } & AbortOptions) => {
        active()
        if (!consumerGroupId) throw new KafkaJSNonRetriableError(`Invalid consumer group id "${String(consumerGroupId)}"`)
        const offsets = (topics ?? []).flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: BigInt(p.offset) })))
        try {
          await state.producer.sendOffsetsToTransaction(offsets, { groupId: consumerGroupId, generationId: -1, memberId: '', groupInstanceId: null }, { signal })
        } catch (e) {
          throw toKafkaJSError(e)
        }
      },
      commit: (options?: AbortOptions) => end('commit', options),
      abort: (options?: AbortOptions) => end('abort', options),
      isActive: () => state.active,
    }
  }
}

interface TransactionalState {
  producer: SamsaProducer
  initialised: boolean
  active: boolean
}

/**
 * Partitions and sends every message, then waits for all of them: one
 * RecordMetadata per (topic, partition) written, topics in request order,
 * partitions ascending.
 */
async function produce(
  producer: SamsaProducer,
  topicMessages: TopicMessages[],
  partitioner: (args: { topic: string; partitionMetadata: PartitionMetadata[]; message: Message }) => number,
  acks: number,
  signalOption?: unknown,
): Promise<RecordMetadata[]> {
  const sent: { topic: string; timestamp: number; result: Promise<SamsaRecordMetadata> }[] = []
  // samsa extension: the signal stops the waits (metadata, buffer memory) and the wait for acknowledgements.
  const signal = checkSignal(signalOption, 'send()')
  throwIfAborted(signal, 'send()')
  try {
    for (const { topic, messages } of topicMessages) {
      const partitionMetadata = toPartitionMetadata(await producer.partitionsFor(topic, { signal }))
      for (const message of messages) {
        const partition = partitioner({ topic, partitionMetadata, message })
        const timestamp = message.timestamp === undefined || message.timestamp === null ? Date.now() : Number(message.timestamp)
        const result = producer.send({ topic, partition, key: toBuffer(message.key), value: toBuffer(message.value), timestamp, headers: toHeaders(message.headers) }, { signal })
        result.catch(() => undefined)
        sent.push({ topic, timestamp, result })
      }
    }
  } catch (e) {
    await Promise.allSettled(sent.map((s) => s.result))
    throw toKafkaJSError(e)
  }
  const outcomes = await abortable(signal, () => Promise.allSettled(sent.map((s) => s.result)), 'send()')
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')
  if (failed) throw toKafkaJSError(failed.reason)
  if (acks === 0) return []
  const byPartition = new Map<string, RecordMetadata & { first: bigint }>()
  outcomes.forEach((o, i) => {
    const m = (o as PromiseFulfilledResult<SamsaRecordMetadata>).value
    const key = `${m.topic}\u0000${m.partition}`
    const logAppendTime = m.timestamp !== sent[i]!.timestamp ? String(m.timestamp) : '-1'
    const seen = byPartition.get(key)
    if (seen === undefined) {
      byPartition.set(key, { topicName: m.topic, partition: m.partition, errorCode: ErrorCode.NONE, baseOffset: String(m.offset), logAppendTime, logStartOffset: '-1', first: m.offset })
    } else if (m.offset < seen.first) {
      seen.first = m.offset
      seen.baseOffset = String(m.offset)
      seen.logAppendTime = logAppendTime
    }
  })
  const order = new Map(topicMessages.map((t, i) => [t.topic, i]))
  return [...byPartition.values()]
    .sort((a, b) => order.get(a.topicName)! - order.get(b.topicName)! || a.partition - b.partition)
    .map(({ first: _first, ...m }) => m)
}
