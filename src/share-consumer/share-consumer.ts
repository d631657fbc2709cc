/**
 * ShareConsumer: Java's KafkaShareConsumer (KIP-932, "queues for Kafka") on
 * samsa's engine. Members of a share group read the same partitions
 * cooperatively: the broker hands each record to one member at a time under
 * an acquisition lock, and the member accepts, releases (redelivery) or
 * rejects (never again) it.
 *
 * Contract (see docs/share-groups.md):
 * - The config is validated in the constructor (ConfigError); the first
 *   `poll()` joins the group and fails with UNSUPPORTED_VERSION on a broker
 *   without share groups.
 * - `poll(timeoutMs)` returns up to `max.poll.records` records, each with its
 *   `deliveryCount`. With `share.acknowledgement.mode` "implicit" the records
 *   of the previous poll are accepted by the next poll (or commit/close);
 *   with "explicit" every record must be acknowledged first, or the poll
 *   fails with ILLEGAL_STATE.
 * - Acknowledgements travel on the next ShareFetch, or at once with
 *   `commitSync()` (resolves with per-partition results) / `commitAsync()`;
 *   the `acknowledgementCommitCallback` option sees every outcome.
 * - `close()` accepts (implicit) or releases (explicit) what it holds, releases
 *   what was fetched but not polled, closes the share sessions and leaves the
 *   group, within `timeoutMs`; `wakeup()` makes a pending or the next poll
 *   reject with WakeupError.
 */
import { Tracing } from '../instrumentation/opentelemetry.js'
import { Cluster } from '../cluster/cluster.js'
import { until, Waker } from '../cluster/wait.js'
import { parseConfig } from '../config/validate.js'
import { shareConsumerSchema, type ShareConsumerConfig, type ShareConsumerConfigInput } from '../config/share-consumer.js'
import { resolveDeserializer, type DeserializerOption } from '../consumer/consumer.js'
import { ConsumerRecords, type ConsumerRecord } from '../consumer/records.js'
import { tpKey } from '../consumer/positions.js'
import { DeserializationError, KafkaError, WakeupError } from '../errors.js'
import { Log } from '../logger.js'
import { clientMetrics, type ClientMetrics } from '../metrics/index.js'
import { ShareConsumerMetricsRecorder } from '../metrics/share-consumer.js'
import { isThenable, type DeserializedType, type Deserializer, type JavaDeserializerName } from '../serde/serde.js'
import type { Header, TopicPartition } from '../types.js'
import { abortError, checkSignal, onAbort, throwIfAborted } from '../util/abort.js'
import { ACK_CODES, ShareFetcher, type AckResult, type AcknowledgeType } from './fetcher.js'
import { ShareMembership } from './membership.js'
import * as args from '../util/arguments.js'

export type { AcknowledgeType, AckResult } from './fetcher.js'

/** A record of a share group: a ConsumerRecord with how many times it has been delivered (1 the first time). */
export interface ShareConsumerRecord<K, V> extends ConsumerRecord<K, V> {
  deliveryCount: number
}

/** What poll returns: records grouped by partition. */
export type ShareConsumerRecords<K, V> = ConsumerRecords<K, V, ShareConsumerRecord<K, V>>

/** Outcome of acknowledgements per partition, as Java's AcknowledgementCommitCallback sees them. */
export type AcknowledgementCommitCallback = (result: AckResult) => void

type DeserializerOptionFor<T> = Deserializer<T> | Deserializer<T | null> | JavaDeserializerName | undefined

export type ShareConsumerOptions<KD = DeserializerOption | undefined, VD = DeserializerOption | undefined> =
  Omit<ShareConsumerConfigInput, 'key.deserializer' | 'value.deserializer'> & {
    'key.deserializer'?: KD
    'value.deserializer'?: VD
  }

export interface ShareCloseOptions {
  /** Upper bound on closing (acknowledgements, sessions, leaving). Default 30000. */
  timeoutMs?: number
  signal?: AbortSignal
}

/** Per-partition outcome of commitSync: `error` null when the broker took the acknowledgements. */
export interface ShareCommitResult {
  topic: string
  partition: number
  error: KafkaError | null
}

interface Held {
  topicId: string
  nodeId: number
}

const ACK_TYPES: readonly AcknowledgeType[] = ['accept', 'release', 'reject', 'renew']

class ShareConsumerImpl<K = Buffer, V = Buffer> implements AsyncIterable<ShareConsumerRecord<K, V>> {
  readonly config: ShareConsumerConfig
  private readonly cluster: Cluster
  private readonly log: Log
  private readonly keyDeserializer: Deserializer<K | null>
  private readonly valueDeserializer: Deserializer<V | null>
  private readonly membership: ShareMembership
  private readonly fetcher: ShareFetcher
  private topics: string[] = []
  private assigned: Map<string, number[]> = new Map()
  /** Records poll has returned and that are not acknowledged yet: tp key → offset → where acquired. */
  private readonly held = new Map<string, Map<bigint, Held>>()
  private readonly errors: KafkaError[] = []
  private started: Promise<void> | undefined
  private polling = false
  private closed = false
  private closing = false
  private readonly waker = new Waker()
  private callback: AcknowledgementCommitCallback | undefined
  private lockTimeoutMs: number | undefined
  private readonly recorder: ShareConsumerMetricsRecorder
  /** When poll was last called (-1: never), for the poll metrics. */
  private lastPoll = -1
  /** OpenTelemetry spans; undefined when tracing is off (decided once, in the constructor). */
  private readonly tracing: Tracing | undefined

  constructor(config: ShareConsumerOptions) {
    this.config = parseConfig(shareConsumerSchema, config, 'share consumer')
    this.keyDeserializer = resolveDeserializer(this.config['key.deserializer'], 'key.deserializer') as Deserializer<K | null>
    this.valueDeserializer = resolveDeserializer(this.config['value.deserializer'], 'value.deserializer') as Deserializer<V | null>
    this.cluster = new Cluster(this.config, 'consumer-share')
    this.log = Log.of(this.cluster, 'share-consumer')
    this.recorder = new ShareConsumerMetricsRecorder(this.cluster.metrics, this.config['client.id'], () => this.lastPoll)
    this.tracing = Tracing.of(this.config, this.config['group.id'])
    const c = this.config
    this.membership = new ShareMembership({
      cluster: this.cluster,
      groupId: c['group.id'],
      rackId: c['client.rack'] === '' ? null : c['client.rack'],
      log: this.log,
      requestTimeoutMs: c['request.timeout.ms'],
      retryBackoffMs: c['retry.backoff.ms'],
      topics: () => this.topics,
      onAssignment: (a) => {
        this.assigned = a
        this.log.info(`share group ${c['group.id']}: assignment ${[...a].map(([t, ps]) => `${this.fetcher.topicName(t) ?? t}[${ps.join(',')}]`).join(' ') || '(none)'}`)
        this.fetcher.wake()
      },
      onError: (e) => this.fail(e),
    })
    this.fetcher = new ShareFetcher({
      cluster: this.cluster,
      log: this.log,
      settings: {
        groupId: c['group.id'],
        maxWaitMs: c['fetch.max.wait.ms'],
        minBytes: c['fetch.min.bytes'],
        maxBytes: c['fetch.max.bytes'],
        maxRecords: c['max.poll.records'],
        acquireMode: c['share.acquire.mode'] === 'record_limit' ? 1 : 0,
        checkCrc: c['check.crcs'],
        retryBackoffMs: c['retry.backoff.ms'],
      },
      memberId: () => this.membership.memberId,
      assignment: () => this.assigned,
      onData: () => this.notify(),
      onError: (e) => this.fail(e),
      onAcked: (r) => {
        this.recorder.acknowledged(r.offsets.length, r.error !== null)
        try {
          this.callback?.(r)
        } catch (e) {
          this.log.warn(`acknowledgement commit callback threw: ${(e as Error).message}`, { error: e })
        }
      },
      onLockTimeout: (ms) => (this.lockTimeoutMs = ms),
      onFetched: (latencyMs, throttleTimeMs, bytes, records) => this.recorder.fetched(latencyMs, throttleTimeMs, bytes, records),
    })
  }

  /** Joins the share group for these topics (replacing an earlier subscription). */
  subscribe(topics: string[]): void {
    this.checkOpen()
    if (!Array.isArray(topics)) throw new KafkaError('subscribe(): expected an array of topic names', { type: 'INVALID_ARGUMENT' })
    for (const t of topics) {
      if (typeof t !== 'string' || t.trim() === '') throw new KafkaError(`subscribe(): invalid topic name ${JSON.stringify(t)}`, { type: 'INVALID_ARGUMENT' })
    }
    this.topics = [...new Set(topics)].sort()
    this.cluster.watch(this.topics)
    this.membership.heartbeatNow()
  }

  subscription(): string[] {
    return [...this.topics]
  }

  /** Unsubscribes: the member gets no partitions (it stays in the group until close). */
  unsubscribe(): void {
    this.subscribe([])
  }

  /** The partitions the broker has assigned to this member (informational: records, not partitions, are owned). */
  assignment(): TopicPartition[] {
    const out: TopicPartition[] = []
    for (const [id, ps] of this.assigned) {
      const topic = this.fetcher.topicName(id)
      if (topic !== undefined) for (const partition of ps) out.push({ topic, partition })
    }
    return out
  }

  /** The broker's acquisition lock timeout (ms), once a fetch has reported it. */
  acquisitionLockTimeoutMs(): number | undefined {
    return this.lockTimeoutMs
  }

  /**
   * Java's share consumer metrics (consumer-share-fetch-manager-metrics:
   * records-consumed-total, fetch-latency-avg, acknowledgements-send-total,
   * ...; consumer-share-metrics: time-between-poll-avg, last-poll-seconds-ago)
   * and the network metrics every client has: docs/observability.md.
   */
  metrics(): ClientMetrics {
    return clientMetrics(this.cluster.metrics)
  }

  /**
   * Runs `fn` (the application's handling of `record`) in an OpenTelemetry
   * `process <topic>` span, a child of the span that produced the record;
   * as Consumer.process (docs/observability.md). Without tracing this just
   * calls `fn`.
   */
  process<T>(record: ShareConsumerRecord<K, V>, fn: () => T): T {
    return this.tracing === undefined ? fn() : this.tracing.process(record as ConsumerRecord<unknown, unknown>, fn)
  }

  /** Called with the outcome of every acknowledgement sent (Java's setAcknowledgementCommitCallback). */
  setAcknowledgementCommitCallback(callback: AcknowledgementCommitCallback | undefined): void {
    this.checkOpen()
    this.callback = callback
  }

  /**
   * Up to `max.poll.records` records acquired for this member, as soon as
   * some are available, or none once `timeoutMs` has passed.
   */
  async poll(timeoutMs: number, options: { signal?: AbortSignal } = {}): Promise<ShareConsumerRecords<K, V>> {
    this.checkOpen()
    if (this.polling) throw new KafkaError('poll() called while another poll() is pending: a share consumer is polled from one loop', { type: 'ILLEGAL_STATE' })
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) throw new KafkaError(`poll(): timeoutMs must be a non-negative number, got ${String(timeoutMs)}`, { type: 'INVALID_ARGUMENT' })
    const signal = checkSignal(options?.signal, 'poll()')
    throwIfAborted(signal, 'poll()')
    this.takeWakeup()
    if (this.topics.length === 0) throw new KafkaError('poll(): the share consumer is not subscribed to any topics', { type: 'ILLEGAL_STATE' })
    this.settleHeld()
    const now = Date.now()
    this.recorder.pollStarted(this.lastPoll < 0 ? -1 : now - this.lastPoll)
    this.lastPoll = now
    this.polling = true
    const removeAbort = onAbort(signal, () => this.notify())
    const deadline = Date.now() + timeoutMs
    try {
      await this.start(deadline)
      for (;;) {
        this.throwPendingError()
        if (this.closing) return new ConsumerRecords()
        const records = await this.collect()
        if (records.count > 0) {
          this.fetcher.wake() // acknowledgements only: nothing more is acquired until a poll finds the buffer empty
          if (this.tracing !== undefined) this.tracing.polled(records, records.count, now)
          return records
        }
        // As Java's ShareFetchEvent: acquire records now, with the acknowledgements on the same requests.
        this.fetcher.fetchMore()
        if (Date.now() >= deadline) return records
        await this.waker.wait(deadline)
        throwIfAborted(signal, 'poll()')
        this.takeWakeup()
      }
    } finally {
      removeAbort()
      this.polling = false
    }
  }

  private async start(deadline: number): Promise<void> {
    if (!this.started) {
      this.started = this.membership.start(Math.max(deadline, Date.now() + this.config['default.api.timeout.ms']))
      this.started.catch(() => (this.started = undefined))
    }
    await this.started
  }

  /** Implicit mode: what the last poll returned is accepted. Explicit mode: all of it must have been acknowledged. */
  private settleHeld(): void {
    let unacked = 0
    for (const m of this.held.values()) unacked += m.size
    if (unacked === 0) return
    if (this.config['share.acknowledgement.mode'] === 'explicit') {
      throw new KafkaError(`poll(): ${unacked} record(s) returned by the previous poll are not acknowledged; with share.acknowledgement.mode=explicit call acknowledge() for each before polling again`, { type: 'ILLEGAL_STATE' })
    }
    this.acceptAllHeld()
  }

  private acceptAllHeld(type: number = ACK_CODES.accept): void {
    for (const [k, m] of this.held) {
      const [topic, partition] = splitTp(k)
      for (const [offset, h] of m) this.fetcher.addAck(topic, partition, h.topicId, h.nodeId, offset, type)
    }
    this.held.clear()
  }

  private async collect(): Promise<ShareConsumerRecords<K, V>> {
    const max = this.config['max.poll.records']
    const byPartition = new Map<string, { tp: TopicPartition; records: ShareConsumerRecord<K, V>[] }>()
    let count = 0
    const buf = this.fetcher.buffer
    while (buf.length > 0 && count < max) {
      const b = buf[0]!
      const key = tpKey(b.topic, b.partition)
      let entry = byPartition.get(key)
      if (!entry) byPartition.set(key, (entry = { tp: { topic: b.topic, partition: b.partition }, records: [] }))
      let held = this.held.get(key)
      if (!held) this.held.set(key, (held = new Map()))
      while (b.records.length > 0 && count < max) {
        const a = b.records.shift()!
        const r = a.record
        const headers = r.headers as Header[]
        let key_: K | null
        let value: V | null
        let what: 'key' | 'value' = 'key'
        try {
          // An async deserializer (a schema registry's) is awaited; a sync one costs no extra tick.
          const k = this.keyDeserializer.deserialize(b.topic, r.key, headers)
          key_ = (isThenable(k) ? await k : k) as K | null
          what = 'value'
          const v = this.valueDeserializer.deserialize(b.topic, r.value, headers)
          value = (isThenable(v) ? await v : v) as V | null
        } catch (e) {
          // As Java's share consumer: a record that cannot be deserialized is rejected, and the error reported.
          this.fetcher.addAck(b.topic, b.partition, b.topicId, b.nodeId, r.offset, ACK_CODES.reject)
          this.errors.push(new DeserializationError(`cannot deserialize the ${what} of the record at offset ${r.offset} of ${b.topic}-${b.partition}: ${(e as Error)?.message ?? String(e)}; it was rejected`, { cause: e, context: { topic: b.topic, partition: b.partition, offset: r.offset, what } }))
          continue
        }
        entry.records.push({
          topic: b.topic,
          partition: b.partition,
          offset: r.offset,
          timestamp: r.timestamp,
          timestampType: a.timestampType,
          key: key_,
          value,
          headers,
          leaderEpoch: a.leaderEpoch,
          serializedKeySize: r.key === null ? -1 : r.key.length,
          serializedValueSize: r.value === null ? -1 : r.value.length,
          deliveryCount: a.deliveryCount,
        })
        held.set(r.offset, { topicId: b.topicId, nodeId: b.nodeId })
        count++
      }
      if (b.records.length === 0) buf.shift()
      if (entry.records.length === 0) byPartition.delete(key)
    }
    return new ConsumerRecords<K, V, ShareConsumerRecord<K, V>>(byPartition, count)
  }

  /**
   * Acknowledges one record returned by poll: 'accept' (done), 'release'
   * (deliver again, to any member), 'reject' (never deliver again) or 'renew'
   * (keep it and restart its acquisition lock; Kafka 4.2+). Sent with the
   * next fetch, or by commitSync/commitAsync.
   */
  acknowledge(record: Pick<ConsumerRecord<unknown, unknown>, 'topic' | 'partition' | 'offset'>, type: AcknowledgeType = 'accept'): void {
    this.checkNotClosed()
    if (!ACK_TYPES.includes(type)) throw new KafkaError(`acknowledge(): unknown type ${JSON.stringify(type)}; expected "accept", "release", "reject" or "renew"`, { type: 'INVALID_ARGUMENT' })
    const key = tpKey(record?.topic, record?.partition)
    const h = this.held.get(key)?.get(record?.offset)
    if (!h) {
      // The shape is checked only here, off the path of a record that is found.
      args.topicPartition(args.object('acknowledge(): the record', record, 'a record returned by poll ({ topic, partition, offset })'), 'acknowledge(): the record')
      if (typeof record.offset !== 'bigint') args.invalid('acknowledge(): the record.offset', 'a bigint', record.offset)
      throw new KafkaError(`acknowledge(): ${record?.topic}-${record?.partition} offset ${String(record?.offset)} is not a record of this consumer awaiting acknowledgement (already acknowledged, or never returned by poll)`, { type: 'ILLEGAL_STATE' })
    }
    this.fetcher.addAck(record.topic, record.partition, h.topicId, h.nodeId, record.offset, ACK_CODES[type])
    if (type !== 'renew') this.held.get(key)!.delete(record.offset)
  }

  /**
   * Sends the acknowledgements made so far (and in implicit mode accepts what
   * the last poll returned) and waits for the broker's answer: one result per
   * partition. An empty list when there was nothing to acknowledge.
   */
  async commitSync(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ShareCommitResult[]> {
    this.checkNotClosed()
    const signal = checkSignal(options.signal, 'commitSync()')
    throwIfAborted(signal, 'commitSync()')
    if (this.config['share.acknowledgement.mode'] === 'implicit') this.acceptAllHeld()
    const deadline = Date.now() + (options.timeoutMs ?? this.config['default.api.timeout.ms'])
    let results: AckResult[] | undefined
    const p = this.fetcher.flush().then((r) => (results = r))
    await until(p, deadline, { signal })
    if (!results) throw new KafkaError('commitSync(): the acknowledgements were not answered within the timeout', { type: 'TIMEOUT', retriable: true })
    return results.map((r) => ({ topic: r.topic, partition: r.partition, error: r.error }))
  }

  /** commitSync without waiting: outcomes go to the acknowledgement commit callback. */
  commitAsync(): void {
    this.checkNotClosed()
    if (this.config['share.acknowledgement.mode'] === 'implicit') this.acceptAllHeld()
    void this.fetcher.flush()
  }

  /** A pending poll, or else the next one, rejects with WakeupError. */
  wakeup(): void {
    this.waker.wakeup()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ShareConsumerRecord<K, V>> {
    while (!this.closed && !this.closing) {
      const records = await this.poll(1000)
      for (const r of records) yield r
    }
  }

  /**
   * Accepts (implicit mode) or releases (explicit mode) what poll returned and
   * is not acknowledged, releases what was fetched but not returned, closes
   * the share sessions and leaves the group, within `timeoutMs` (default 30 s).
   */
  async close(options: ShareCloseOptions = {}): Promise<void> {
    const signal = checkSignal(options?.signal, 'close()')
    throwIfAborted(signal, 'close()')
    if (this.closed || this.closing) return
    this.closing = true
    this.notify()
    const deadline = Date.now() + (options?.timeoutMs ?? 30000)
    let cut = false
    const bounded = (p: Promise<unknown>) =>
      until(p.catch((e) => this.log.debug(`close: ${(e as Error).message}`)), deadline, { signal }).catch(() => {
        cut = true
      })
    try {
      this.acceptAllHeld(this.config['share.acknowledgement.mode'] === 'implicit' ? ACK_CODES.accept : ACK_CODES.release)
      await bounded(this.fetcher.close(deadline))
      await bounded(this.membership.leave(deadline))
    } finally {
      this.membership.close()
      this.cluster.close()
      this.closed = true
    }
    if (cut && signal !== undefined) throw abortError(signal, 'close()')
  }

  private fail(e: KafkaError): void {
    this.errors.push(e)
    this.notify()
  }

  private takeWakeup(): void {
    if (this.waker.takeWakeup()) throw new WakeupError()
  }

  private throwPendingError(): void {
    const e = this.errors.shift()
    if (e) throw e
  }

  private notify(): void {
    this.waker.notify()
  }

  private checkOpen(): void {
    if (this.closed || this.closing) throw new KafkaError('the share consumer is closed', { type: 'CLIENT_CLOSED' })
  }

  private checkNotClosed(): void {
    if (this.closed) throw new KafkaError('the share consumer is closed', { type: 'CLIENT_CLOSED' })
  }
}

function splitTp(k: string): [string, number] {
  const i = k.lastIndexOf('\u0000')
  return [k.slice(0, i), Number(k.slice(i + 1))]
}

/** `new ShareConsumer(config)`: key and value types follow from the deserializers, as with Consumer. */
export interface ShareConsumerConstructor {
  new <KD extends DeserializerOption | undefined = undefined, VD extends DeserializerOption | undefined = undefined>(
    config: ShareConsumerOptions<KD, VD>,
  ): ShareConsumerImpl<DeserializedType<KD>, DeserializedType<VD>>
  new <K, V>(config: ShareConsumerOptions<DeserializerOptionFor<K>, DeserializerOptionFor<V>>): ShareConsumerImpl<K, V>
  readonly prototype: ShareConsumerImpl<unknown, unknown>
}

export const ShareConsumer = ShareConsumerImpl as unknown as ShareConsumerConstructor
export type ShareConsumer<K = Buffer, V = Buffer> = ShareConsumerImpl<K, V>
