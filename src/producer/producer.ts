/**
 * Producer: sends records to Kafka the way the Java KafkaProducer does.
 *
 * Contract:
 * - The config is validated once, in the constructor (ConfigError naming the
 *   key). Connections open on first use.
 * - `send(record)` returns a promise of the record's metadata;
 *   `send(record, callback)` returns nothing and calls `callback(error,
 *   metadata)` once. Neither throws: a bad record, a serializer error, a
 *   closed producer, a timeout or a broker error all arrive through the
 *   promise or the callback (never synchronously inside `send`).
 * - Records of one partition are acknowledged, and their callbacks run, in
 *   the order they were sent (with idempotence, the default; without it and
 *   with more than one request in flight a retry may reorder, as in Java).
 * - A send waits up to `max.block.ms` for its topic's metadata and for room
 *   in `buffer.memory`, then fails with a TimeoutError. Sends that wait keep
 *   their order. The producer never holds more than `buffer.memory` bytes of
 *   batches; records waiting for room are the caller's own objects.
 * - Every record is acknowledged or fails within `delivery.timeout.ms` of its
 *   send (plus `max.block.ms` when it had to wait), with an error saying why.
 * - `flush()` resolves once every record sent before it is done;
 *   `close()` flushes (aborting an open transaction), then releases every
 *   socket and timer, so a program exits by itself afterwards.
 * - With `transactional.id`, sends are accepted only inside a transaction
 *   (initTransactions, beginTransaction, then commitTransaction or
 *   abortTransaction); see transactions.ts for the state machine.
 */
import { CONNECTION_LISTENERS } from '../metrics/network.js'
import type { ConnectionObserver } from '../network/diagnostics.js'
import { ProducerMetricsRecorder } from '../metrics/producer.js'
import { clientMetrics } from '../metrics/index.js'
import { ProducerInterceptors, type ProducerInterceptor } from '../instrumentation/interceptors.js'
import { Cluster } from '../cluster/cluster.js'
import { Log } from '../logger.js'
import { configFromProperties } from '../config/properties.js'
import { retry } from '../cluster/retry.js'
import { Confirmation, unconfirmed } from '../cluster/confirm.js'
import { until as untilDeadline } from '../cluster/wait.js'
import { parseProducerConfig, type ProducerConfig, type ProducerConfigInput, type PartitionerFunction } from '../config/producer.js'
import { brokerError, ConfigError, KafkaError, SerializationError, TimeoutError } from '../errors.js'
import { estimateSizeInBytesUpperBound, type RecordHeader } from '../protocol/records/batch.js'
import { isSerializer, isThenable, javaSerializers, serializers, type JavaSerializerName, type SerializedType, type Serializer } from '../serde/serde.js'
import type { Header, TopicPartitionOffset } from '../types.js'
import { abortable, abortError, checkSignal, onAbort, throwIfAborted } from '../util/abort.js'
import { Accumulator } from './accumulator.js'
import { closedError, invoke } from './batch.js'
import { Fifo } from './fifo.js'
import { Idempotence } from './idempotence.js'
import { partitionForKey, RoundRobinPartitioner } from './partitioners.js'
import type { TopicEntry } from './queue.js'
import { SerializationQueue, type MaybeBytes } from './serialization.js'
import { Sink } from './sink.js'
import { Transactions, type ConsumerGroupMetadata } from './transactions.js'
import type { AbortOptions, CloseOptions, Node, PartitionInfo, ProducerMetrics, ProducerRecord, RecordMetadata, SendCallback, SendOptions } from './types.js'
import { ErrorCode } from '../protocol/errors.js'
import { Tracing, type TraceSpan } from '../instrumentation/opentelemetry.js'
import { topicPartitionOffsets } from '../util/arguments.js'

/** What `key.serializer` / `value.serializer` accept. */
export type SerializerOption = Serializer<any> | JavaSerializerName | undefined // eslint-disable-line @typescript-eslint/no-explicit-any

/** A serializer option that stands for values of type T. */
type SerializerOptionFor<T> = Serializer<T> | Serializer<T | null> | JavaSerializerName | undefined

/** A send waiting for its topic's metadata. */
interface MetadataWaiter {
  partition: number | undefined
  rawKey: unknown
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[] | undefined
  timestamp: number
  callback: SendCallback
  deadline: number
}

interface MetadataWait {
  queue: Fifo<MetadataWaiter>
  lastError: KafkaError | undefined
  /** A non-retriable topic error is believed when the next refresh repeats it (a corrupt response can carry any code). */
  confirmation: Confirmation
  /** Aborted when the waiting sends are failed from outside (close, transaction abort): the refresh loop ends. */
  stop: AbortController
}

/** Thrown by a metadata round while sends still wait: the round is retried after a backoff. */
const STILL_WAITING = new KafkaError('sends are waiting for metadata', { retriable: true })

type PartitionerKind = 'default' | 'murmur2' | 'round-robin' | 'function'

/** The header list serializers see for a record sent without headers (emptied after each use). */
let scratchHeaders: Header[] = []

class ProducerImpl<K, V> {
  readonly config: ProducerConfig
  private readonly cluster: Cluster
  private readonly log: Log
  private readonly acc: Accumulator
  private readonly sink: Sink
  /** `interceptor.classes`; undefined when there are none. */
  /** OpenTelemetry spans; undefined when tracing is off (decided once, here). */
  private readonly tracing: Tracing | undefined
  private readonly interceptors: ProducerInterceptors<unknown, unknown> | undefined
  private readonly idem: Idempotence | undefined
  private readonly txn: Transactions | undefined
  private readonly keySerializer: Serializer<K | null>
  private readonly valueSerializer: Serializer<V | null>
  private readonly partitionerKind: PartitionerKind
  private readonly partitionerFn: PartitionerFunction | undefined
  private readonly ignoreKeys: boolean
  private readonly roundRobin = new RoundRobinPartitioner()
  private readonly maxRecordSize: number
  private readonly maxBlockMs: number
  private readonly metadataWaits = new Map<string, MetadataWait>()
  /** Records whose serializer returned a promise, and those sent after them (in call order). */
  private readonly serializing = new SerializationQueue()
  private readonly idleWaiters: { check: () => boolean; resolve: () => void }[] = []
  private state: 'open' | 'closing' | 'closed' = 'open'
  private closing: Promise<void> | undefined
  private idleTimer: NodeJS.Timeout | undefined
  /** A transaction call whose caller aborted its wait, still running. */
  private txnPending: { method: string; promise: Promise<void> } | undefined

  /**
   * A producer from a Java client `.properties` file (a path, or the text itself),
   * `overrides` applied last. Keys of Java's clients that mean nothing here
   * (`interceptor.classes`, `send.buffer.bytes`, `client.dns.lookup`, ...) are
   * ignored with a logged warning; see docs/compatibility.md.
   */
  static fromProperties(source: string, overrides: Record<string, unknown> = {}): ProducerImpl<unknown, unknown> {
    return new ProducerImpl(configFromProperties(source, 'producer', overrides) as ProducerConfigInput<SerializerOption, SerializerOption>)
  }

  constructor(config: ProducerConfigInput<SerializerOption, SerializerOption>) {
    const c = parseProducerConfig(config)
    this.config = c
    this.keySerializer = serializerFrom(c['key.serializer'], 'key.serializer') as Serializer<K | null>
    this.valueSerializer = serializerFrom(c['value.serializer'], 'value.serializer') as Serializer<V | null>
    const p = c['partitioner']
    this.partitionerKind = typeof p === 'function' ? 'function' : p
    this.partitionerFn = typeof p === 'function' ? p : undefined
    this.ignoreKeys = c['partitioner.ignore.keys']
    this.maxRecordSize = Math.min(c['max.request.size'], c['buffer.memory'])
    this.maxBlockMs = c['max.block.ms']
    // Each part is built after the parts it uses and gets them passed in; the
    // parts above subscribe to the ones below (the sink to the accumulator,
    // the idempotence state and the transactions; the transactions to the
    // idempotence state), so no callback can reach a part not built yet.
    const cluster = new Cluster(c, 'producer')
    this.log = Log.of(cluster, 'producer')
    // Config warnings, where Java logs them: options samsa adjusted instead of refusing.
    if (c['enable.idempotence'] && !c.idempotent) {
      this.log.info(`idempotence is disabled: acks=${String(c['acks'])}, retries=${c['retries']} and max.in.flight.requests.per.connection=${c['max.in.flight.requests.per.connection']} do not allow it (set "enable.idempotence": false to say so)`)
    }
    const givenDelivery = (config as Record<string, unknown>)['delivery.timeout.ms']
    if (givenDelivery === undefined && c['delivery.timeout.ms'] > 120000) {
      this.log.warn(`delivery.timeout.ms raised to linger.ms + request.timeout.ms = ${c['delivery.timeout.ms']} ms`, { key: 'delivery.timeout.ms', value: c['delivery.timeout.ms'] })
    }
    const backoff = cluster.backoff
    const level = c['compression.type'] === 'gzip' ? c['compression.gzip.level'] : c['compression.type'] === 'zstd' ? c['compression.zstd.level'] : undefined
    const acc = new Accumulator({
      batchSize: c['batch.size'],
      lingerMs: c['linger.ms'],
      deliveryTimeoutMs: c['delivery.timeout.ms'],
      bufferMemory: c['buffer.memory'],
      maxBlockMs: c['max.block.ms'],
      retryBackoff: backoff,
      compression: c['compression.type'],
      compressionLevel: level === -1 ? undefined : level,
      adaptivePartitioning: c['partitioner.adaptive.partitioning.enable'],
      availabilityTimeoutMs: c['partitioner.availability.timeout.ms'],
      snapshot: () => cluster.snapshot,
    })
    const transactionalId = c['transactional.id']
    const idem = c.idempotent ? new Idempotence(cluster, { backoff, transactional: transactionalId !== undefined }) : undefined
    const txn = transactionalId === undefined
      ? undefined
      : new Transactions(cluster, idem!, {
        transactionalId,
        transactionTimeoutMs: c['transaction.timeout.ms'],
        backoff,
      })
    const acks = c['acks'] === 'all' ? -1 : c['acks']
    const sink = new Sink(cluster, acc, {
      acks,
      requestTimeoutMs: c['request.timeout.ms'],
      maxRequestSize: c['max.request.size'],
      maxInFlight: c['max.in.flight.requests.per.connection'],
      retries: c['retries'],
      deliveryTimeoutMs: c['delivery.timeout.ms'],
      retryBackoffMs: c['retry.backoff.ms'],
      guaranteeOrder: !c.idempotent && c['max.in.flight.requests.per.connection'] === 1,
      lingerMs: c['linger.ms'],
      transactionalId: transactionalId ?? null,
    }, idem, txn)
    this.cluster = cluster
    this.acc = acc
    this.idem = idem
    this.txn = txn
    this.sink = sink
    sink.onBatchDone = () => this.checkIdle()
    const interceptors = (c['interceptor.classes'] ?? []) as ProducerInterceptor[]
    this.interceptors = interceptors.length > 0 ? new ProducerInterceptors(interceptors, this.log) : undefined
    this.tracing = Tracing.of(c)
    this.serializing.onDrained = () => this.checkIdle()
    sink.metrics = new ProducerMetricsRecorder(cluster.metrics, c['client.id'], {
      bufferTotal: () => c['buffer.memory'],
      bufferAvailable: () => c['buffer.memory'] - acc.memoryUsed,
      waitingSends: () => this.waitingSends(),
      requestsInFlight: () => sink.counters.requestsInFlight,
    })
    const idleMs = c['metadata.max.idle.ms']
    this.idleTimer = setInterval(() => {
      const idle = this.acc.idleTopics(Date.now(), idleMs)
      for (const t of idle) t.idle = true
      if (idle.length > 0) this.cluster.unwatch(idle.map((t) => t.name))
    }, Math.min(idleMs, 60000))
    this.idleTimer.unref()
    this.log.debug(`producer created (acks=${c['acks']}, idempotent=${c.idempotent}, linger.ms=${c['linger.ms']}, batch.size=${c['batch.size']}, compression=${c['compression.type']})`)
  }

  send(record: ProducerRecord<K, V>, options?: SendOptions): Promise<RecordMetadata>
  send(record: ProducerRecord<K, V>, callback: SendCallback, options?: SendOptions): void
  send(record: ProducerRecord<K, V>, callbackOrOptions?: SendCallback | SendOptions, maybeOptions?: SendOptions): Promise<RecordMetadata> | void {
    // A null callback is no callback, as in Java's send(record, null): the promise carries the outcome.
    if (callbackOrOptions === undefined || callbackOrOptions === null || typeof callbackOrOptions === 'object') {
      const options = (callbackOrOptions ?? undefined) as SendOptions | undefined
      return new Promise<RecordMetadata>((resolve, reject) => {
        this.doSend(record, (error, metadata) => (error !== null ? reject(error) : resolve(metadata!)), options?.signal)
      })
    }
    const callback = callbackOrOptions
    if (typeof callback !== 'function') {
      // Nothing can be called back and send() does not throw: the mistake is reported as a process warning.
      const message = `send() callback must be a function, got ${typeof callback}; the record to ${String((record as { topic?: unknown } | null)?.topic)} was not sent`
      process.nextTick(() => process.emitWarning(message, { type: 'SamsaWarning', code: 'SAMSA_INVALID_ARGUMENT' }))
      return
    }
    this.doSend(record, callback, maybeOptions?.signal)
  }

  private doSend(record: ProducerRecord<K, V>, callback: SendCallback, signalOption?: unknown): void {
    if (this.interceptors !== undefined) {
      record = this.interceptors.onSend(record) as ProducerRecord<K, V>
      callback = this.interceptors.wrap(callback)
    }
    let span: TraceSpan | undefined
    if (this.tracing !== undefined) {
      const tracing = this.tracing
      const r = record as ProducerRecord<K, V> | null
      const s = span = tracing.startSend(String(r?.topic), r?.partition, r?.key, r?.value === null || r?.value === undefined)
      const done = callback
      callback = (error, metadata) => {
        tracing.endSend(s, metadata, error)
        done(error, metadata)
      }
    }
    if (signalOption !== undefined) {
      let signal: AbortSignal | undefined
      try {
        signal = checkSignal(signalOption, 'send()')
      } catch (e) {
        return failLater(callback, e as KafkaError)
      }
      if (signal !== undefined) {
        if (signal.aborted) return failLater(callback, abortError(signal, 'send()'))
        callback = this.abortableSend(record, callback, signal)
      }
    }
    if (this.state !== 'open') return failLater(callback, closedError('cannot send: the producer is closed'))
    // The idempotent producer could not get a producer id: every later record fails (the sink failed the pending ones).
    if (this.idem !== undefined && this.idem.fatalError !== undefined) return failLater(callback, this.idem.fatalError)
    if (this.txn !== undefined) {
      const e = this.txn.sendError()
      if (e !== undefined) return failLater(callback, e)
    }
    if (record === null || typeof record !== 'object') return failLater(callback, invalid(`a record must be an object { topic, value, ... }, got ${record === null ? 'null' : typeof record}`))
    const topic = record.topic
    if (typeof topic !== 'string' || topic.length === 0) return failLater(callback, invalid(`record.topic must be a non-empty string, got ${JSON.stringify(topic)}`))
    const now = Date.now()
    let timestamp = record.timestamp
    if (timestamp === undefined || timestamp === null) {
      timestamp = now
    } else if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      return failLater(callback, invalid(`invalid record.timestamp ${String(timestamp)}: expected a non-negative integer (ms since the epoch)`, topic))
    }
    const partition = record.partition
    if (partition !== undefined && partition !== null && (!Number.isInteger(partition) || partition < 0)) {
      return failLater(callback, invalid(`invalid record.partition ${String(partition)}: expected a non-negative integer`, topic))
    }
    let headers: RecordHeader[] | undefined
    let key: MaybeBytes
    let value: MaybeBytes
    try {
      headers = normalizeHeaders(record.headers, topic)
      if (span !== undefined) headers = this.tracing!.inject(span, headers)
      // Serializers may add headers (as in Java); a record without any shares one scratch list.
      const list = headers ?? scratchHeaders
      const rawKey = record.key === undefined ? null : record.key
      key = serialize(this.keySerializer, topic, rawKey, list, 'key')
      try {
        value = serialize(this.valueSerializer, topic, record.value === undefined ? null : record.value, list, 'value')
      } catch (e) {
        if (key instanceof Promise) key.catch(() => undefined)
        throw e
      }
      if (headers === undefined && (key instanceof Promise || value instanceof Promise)) {
        // An async serializer may add headers later: this record keeps the list it was given.
        headers = scratchHeaders
        scratchHeaders = []
      } else if (headers === undefined && scratchHeaders.length > 0) {
        headers = scratchHeaders.splice(0)
      }
    } catch (e) {
      scratchHeaders.length = 0
      return failLater(callback, e as KafkaError)
    }
    if (this.serializing.length > 0 || key instanceof Promise || value instanceof Promise) {
      // Behind a pending serialization: wait for it, so each partition gets records in call order.
      const own = headers
      this.serializing.push(key, value, (error, k, v) => {
        if (error !== undefined) return invoke(callback, error as KafkaError, null)
        if (this.state === 'closed') return invoke(callback, closedError('the producer was closed before the record was serialized'), null)
        this.route(topic, partition, record.key, k, v, own !== undefined && own.length === 0 ? undefined : own, timestamp, callback, Date.now())
      })
      return
    }
    this.route(topic, partition, record.key, key, value, headers, timestamp, callback, now)
  }

  /** Checks a serialized record's size, then appends it to its partition or waits for metadata. */
  private route(topic: string, partition: number | null | undefined, rawKey: unknown, key: Buffer | null, value: Buffer | null,
    headers: RecordHeader[] | undefined, timestamp: number, callback: SendCallback, now: number): void {
    // Cheap bound first; the exact upper bound only for records near the limit.
    const rough = (key === null ? 0 : key.length) + (value === null ? 0 : value.length)
    if (headers !== undefined || rough + 128 > this.maxRecordSize) {
      const size = estimateSizeInBytesUpperBound(key, value, headers)
      if (size > this.maxRecordSize) return failLater(callback, tooLarge(size, this.config, topic))
    }
    const explicit = partition === undefined || partition === null ? undefined : partition
    let t = this.acc.topics.get(topic)
    if (t === undefined) {
      t = this.acc.topic(topic, now)
      this.cluster.watch([topic])
    } else {
      t.lastUsedMs = now
      if (t.idle) {
        t.idle = false
        this.cluster.watch([topic])
      }
    }
    if (this.metadataWaits.size > 0 && this.metadataWaits.has(topic)) {
      return this.waitForMetadata(topic, { partition: explicit, rawKey, key, value, headers, timestamp, callback, deadline: now + this.maxBlockMs })
    }
    if (!t.refresh(this.cluster.snapshot) || (explicit !== undefined && explicit >= t.layout.count)) {
      return this.waitForMetadata(topic, { partition: explicit, rawKey, key, value, headers, timestamp, callback, deadline: now + this.maxBlockMs })
    }
    this.appendTo(t, explicit, rawKey, key, value, headers, timestamp, callback, now, now + this.maxBlockMs)
  }

  /**
   * Wraps a send's callback so that `signal` takes the record back while it
   * waits for metadata or memory; the listener goes when the callback runs.
   */
  private abortableSend(record: ProducerRecord<K, V>, callback: SendCallback, signal: AbortSignal): SendCallback {
    const topic = record?.topic
    const wrapped: SendCallback = (error, metadata) => {
      remove()
      callback(error, metadata)
    }
    const remove = onAbort(signal, () => {
      if (this.cancelWaiting(topic, wrapped)) {
        remove()
        invoke(callback, abortError(signal, 'send()'), null)
      }
    })
    return wrapped
  }

  /** Removes a send waiting for metadata or memory; false when it is no longer waiting. */
  private cancelWaiting(topic: unknown, callback: SendCallback): boolean {
    const wait = typeof topic === 'string' ? this.metadataWaits.get(topic) : undefined
    let removed = false
    if (wait !== undefined && wait.queue.remove((w) => w.callback === callback)) {
      removed = true
      // The last waiter left: end the refresh loop now rather than at its next round.
      if (wait.queue.length === 0) {
        if (this.metadataWaits.get(topic as string) === wait) this.metadataWaits.delete(topic as string)
        wait.stop.abort()
      }
    } else {
      removed = this.acc.cancelWaiting(callback)
    }
    if (removed) this.checkIdle()
    return removed
  }

  /** Partitions and appends a record whose topic has metadata. */
  private appendTo(t: TopicEntry, explicit: number | undefined, rawKey: unknown, key: Buffer | null, value: Buffer | null,
    headers: RecordHeader[] | undefined, timestamp: number, callback: SendCallback, now: number, deadline: number): void {
    let p: number
    try {
      p = explicit !== undefined ? explicit : this.partitionFor(t, rawKey, key)
    } catch (e) {
      return failLater(callback, e instanceof KafkaError ? e : invalid(`the partitioner threw: ${(e as Error).message}`, t.name))
    }
    if (!this.acc.append(t, p, timestamp, key, value, headers, callback, now)) {
      this.acc.enqueue(t, p, timestamp, key, value, headers, callback, deadline)
    }
  }

  /** The partition for a record without an explicit one; -1: the sticky partitioner decides at append. */
  private partitionFor(t: TopicEntry, rawKey: unknown, key: Buffer | null): number {
    switch (this.partitionerKind) {
      case 'default':
        return key !== null && !this.ignoreKeys ? partitionForKey(key, t.layout.count) : -1
      case 'murmur2':
        return key !== null ? partitionForKey(key, t.layout.count) : this.roundRobin.partition(t.name, t.layout)
      case 'round-robin':
        return this.roundRobin.partition(t.name, t.layout)
      case 'function': {
        const count = t.layout.count
        const p = this.partitionerFn!(t.name, rawKey === undefined ? null : rawKey, key, count)
        if (!Number.isInteger(p) || p < 0 || p >= count) {
          throw invalid(`the partitioner function returned ${String(p)} for topic "${t.name}": expected an integer from 0 to ${count - 1}`, t.name)
        }
        return p
      }
    }
  }

  private waitForMetadata(topic: string, w: MetadataWaiter): void {
    let wait = this.metadataWaits.get(topic)
    if (wait === undefined) {
      wait = { queue: new Fifo(), lastError: undefined, confirmation: new Confirmation(), stop: new AbortController() }
      this.metadataWaits.set(topic, wait)
      wait.queue.push(w)
      this.fetchMetadata(topic, wait).catch((e) => this.log.debug(`metadata wait for ${topic} failed: ${(e as Error).message}`))
      return
    }
    wait.queue.push(w)
  }

  private get isClosed(): boolean {
    return this.state === 'closed'
  }

  /**
   * Refreshes a topic's metadata until its waiting sends can be appended, or
   * fails them at their deadlines, or at once when no broker can be asked
   * (authentication failed: TLS or SASL), or when two refreshes in a row give
   * the topic the same non-retriable error (TOPIC_AUTHORIZATION_FAILED). Runs under the retry policy without a
   * deadline of its own: each round waits for the refresh and then the
   * backoff, neither past the oldest waiter's deadline (max.block.ms), and
   * ends when no send waits any more; `stopWait` (close, transaction abort)
   * cuts any wait short.
   */
  private async fetchMetadata(topic: string, wait: MetadataWait): Promise<void> {
    const q = wait.queue
    const signal = wait.stop.signal
    try {
      // A round that ends the wait takes it out of the map before any callback
      // runs, so a send made from a callback starts a new wait instead of
      // joining this one after its loop has ended.
      const end = () => {
        if (this.metadataWaits.get(topic) === wait) this.metadataWaits.delete(topic)
      }
      await retry(`metadata for topic "${topic}"`, async () => {
        if (q.length === 0 || this.isClosed) return end()
        let refreshError: KafkaError | undefined
        const before = this.cluster.topic(topic)
        const refresh = this.cluster.refreshMetadata([topic]).then(
          () => undefined,
          (e: unknown) => {
            refreshError = wait.lastError = e instanceof KafkaError ? e : new KafkaError(String(e))
          },
        )
        await untilDeadline(refresh, q.peek()!.deadline, { signal })
        if (refreshError !== undefined && !refreshError.retriable) {
          // No broker will talk to us (TLS or SASL authentication failed): as Java's fatal metadata error, fail now.
          end()
          for (const w of q.drain()) invoke(w.callback, refreshError, null)
          return
        }
        const info = this.cluster.topic(topic)
        // Only a new reading counts. When the refresh failed, timed out or its answer did not describe
        // the topic, the snapshot still holds the earlier reading: never the broker repeating it.
        const fresh = info !== before
        if (fresh && info !== undefined && info.errorCode !== ErrorCode.NONE) {
          const err = brokerError(info.errorCode, { topic })
          // A non-retriable answer (TOPIC_AUTHORIZATION_FAILED, INVALID_TOPIC_EXCEPTION) fails the waiting
          // sends once the next refresh repeats it, as every broker error (src/cluster/confirm.ts): a bit
          // flipped on the way turns NONE into OFFSET_OUT_OF_RANGE as easily.
          // (believe() takes a retriable error at once, and forgets any unconfirmed one)
          // (A code Metadata never gives a topic never reaches the snapshot: cluster/metadata.ts.)
          const believed = wait.confirmation.believe(err)
          if (believed && !err.retriable) {
            end()
            for (const w of q.drain()) invoke(w.callback, err, null)
            return
          }
          wait.lastError = believed ? err : unconfirmed(err)
        } else if (fresh) {
          wait.confirmation.reset()
        }
        const t = this.acc.topic(topic, Date.now())
        if (t.refresh(this.cluster.snapshot)) {
          const now = Date.now()
          for (let w = q.peek(); w !== undefined; w = q.peek()) {
            if (w.partition !== undefined && w.partition >= t.layout.count) break
            q.shift()
            this.appendTo(t, w.partition, w.rawKey, w.key, w.value, w.headers, w.timestamp, w.callback, now, w.deadline)
          }
        }
        const now = Date.now()
        const expired: MetadataWaiter[] = []
        for (let w = q.peek(); w !== undefined && w.deadline <= now; w = q.peek()) expired.push(q.shift()!)
        if (q.length === 0) end()
        for (const w of expired) {
          const count = t.layout.count
          const what = w.partition !== undefined && count > 0
            ? `partition ${w.partition} of topic "${topic}" with partition count ${count} is not present in metadata`
            : `topic "${topic}" not present in metadata`
          invoke(w.callback, new TimeoutError(`${what} after ${this.maxBlockMs} ms (max.block.ms)` +
            (wait.lastError ? `; last error: ${wait.lastError.message}` : ''), { context: { topic }, ...(wait.lastError ? { cause: wait.lastError } : {}) }), null)
        }
        if (q.length > 0) throw STILL_WAITING
        end()
      }, {
        ...this.cluster.backoff,
        deadline: Infinity,
        signal,
        retriable: (e) => e === STILL_WAITING,
        // The metadata answers are confirmed per wait above (wait.confirmation); nothing else is a broker's.
        confirm: false,
        maxWaitMs: () => (q.peek()?.deadline ?? 0) - Date.now(),
      })
    } catch (e) {
      // stopWait() ended the wait (and failed the waiting sends itself).
      if (!signal.aborted) throw e
    }
    if (this.metadataWaits.get(topic) === wait) this.metadataWaits.delete(topic)
    this.checkIdle()
  }

  /** Fails the sends waiting for a topic's metadata and ends their refresh loop; later sends start a new wait. */
  private stopWait(topic: string, wait: MetadataWait, error: KafkaError): void {
    for (const w of wait.queue.drain()) invoke(w.callback, error, null)
    if (this.metadataWaits.get(topic) === wait) this.metadataWaits.delete(topic)
    wait.stop.abort(error)
  }

  /**
   * Resolves once every record sent before the call is acknowledged or has
   * failed. `signal` stops the wait (AbortError); the records go on.
   */
  async flush(options: AbortOptions = {}): Promise<void> {
    const signal = checkSignal(options?.signal, 'flush()')
    throwIfAborted(signal, 'flush()')
    if (this.state === 'closed') return
    this.acc.beginFlush()
    this.sink.wakeup()
    try {
      await this.until(() => this.serializing.length === 0 && this.metadataWaits.size === 0 && this.acc.waitingCount === 0, signal)
      const pending = [...this.acc.incomplete]
      let i = 0
      this.sink.wakeup()
      await this.until(() => {
        while (i < pending.length && pending[i]!.done) i++
        return i === pending.length
      }, signal)
    } finally {
      this.acc.endFlush()
    }
  }

  /** Resolves when `check()` holds, re-checked whenever a batch or a wait finishes; rejects when `signal` fires. */
  private until(check: () => boolean, signal?: AbortSignal): Promise<void> {
    if (check()) return Promise.resolve()
    if (signal === undefined) return new Promise<void>((resolve) => this.idleWaiters.push({ check, resolve }))
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        check,
        resolve: () => {
          remove()
          resolve()
        },
      }
      const remove = onAbort(signal, () => {
        const i = this.idleWaiters.indexOf(waiter)
        if (i >= 0) this.idleWaiters.splice(i, 1)
        reject(abortError(signal, 'flush()'))
      })
      this.idleWaiters.push(waiter)
    })
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0) return
    for (let i = 0; i < this.idleWaiters.length; i++) {
      const w = this.idleWaiters[i]!
      if (w.check()) {
        this.idleWaiters.splice(i--, 1)
        w.resolve()
      }
    }
  }

  /**
   * Flushes, then releases every socket and timer. With `timeoutMs`, records
   * still pending after that long fail ("the producer was closed before ...").
   * Later sends fail. Safe to call more than once.
   */
  close(options: CloseOptions = {}): Promise<void> {
    let signal: AbortSignal | undefined
    try {
      signal = checkSignal(options?.signal, 'close()')
      throwIfAborted(signal, 'close()')
    } catch (e) {
      return Promise.reject(e)
    }
    if (this.closing !== undefined) return abortable(signal, () => this.closing!, 'close()')
    this.state = 'closing'
    let cutShort = false
    this.closing = this.doClose(options?.timeoutMs, signal, () => (cutShort = true))
    if (signal === undefined) return this.closing
    return this.closing.then(() => {
      if (cutShort) throw abortError(signal, 'close()')
    })
  }

  private async doClose(timeoutMs: number | undefined, signal?: AbortSignal, onCutShort?: () => void): Promise<void> {
    this.acc.closing = true
    this.sink.wakeup()
    // As Java: an open transaction is aborted (its unsent records fail), not left to time out.
    const txn = this.txn
    const work = txn !== undefined && txn.isOpen
      ? txn.abort((e) => this.abortUnsent(e), () => this.until(() => this.serializing.length === 0 && this.metadataWaits.size === 0 && this.acc.incomplete.size === 0),
        Date.now() + Math.min(this.maxBlockMs, timeoutMs ?? Infinity))
        .catch((e: unknown) => this.log.debug(`aborting the open transaction on close failed: ${(e as Error).message}`))
      : this.until(() => this.serializing.length === 0 && this.metadataWaits.size === 0 && this.acc.waitingCount === 0 && this.acc.incomplete.size === 0)
    if ((timeoutMs === undefined || !Number.isFinite(timeoutMs)) && signal === undefined) {
      await work
    } else {
      // The close timeout or the signal, whichever first, cuts the wait short.
      const deadline = timeoutMs !== undefined && Number.isFinite(timeoutMs) ? Date.now() + Math.max(0, timeoutMs) : Infinity
      await untilDeadline(work, deadline, { signal }).catch((e: unknown) => {
        if (signal?.aborted !== true) throw e
        onCutShort?.()
      })
    }
    this.state = 'closed'
    const error = closedError(`the producer was closed${timeoutMs !== undefined ? ` (close timeout ${timeoutMs} ms)` : ''} before the record was delivered`)
    this.serializing.failAll(error)
    for (const [topic, wait] of this.metadataWaits) this.stopWait(topic, wait, error)
    this.sink.abortAll(error)
    this.sink.stop()
    this.txn?.close()
    this.idem?.close()
    this.acc.close()
    if (this.idleTimer !== undefined) clearInterval(this.idleTimer)
    this.cluster.close()
    this.interceptors?.close()
    for (const w of this.idleWaiters.splice(0)) w.resolve()
    this.log.debug(`producer closed`)
  }

  /** The partitions of a topic, waiting up to max.block.ms for its metadata. */
  async partitionsFor(topic: string, options: AbortOptions = {}): Promise<PartitionInfo[]> {
    const signal = checkSignal(options?.signal, 'partitionsFor()')
    throwIfAborted(signal, 'partitionsFor()')
    if (this.state === 'closed') throw closedError('the producer is closed')
    if (typeof topic !== 'string' || topic.length === 0) throw invalid(`topic must be a non-empty string, got ${JSON.stringify(topic)}`)
    if (!this.acc.topics.has(topic)) this.cluster.watch([topic])
    const info = await abortable(signal, () => this.cluster.topicMetadata(topic, Date.now() + this.maxBlockMs), 'partitionsFor()')
    const snap = this.cluster.snapshot
    const node = (id: number): Node => {
      const b = snap.brokers.get(id)
      return b ? { id, host: b.host, port: b.port, rack: b.rack } : { id, host: '', port: -1, rack: null }
    }
    return info.partitions.map((p) => ({
      topic,
      partition: p.partition,
      leader: p.leader >= 0 ? node(p.leader) : null,
      replicas: p.replicas.map(node),
      inSyncReplicas: p.isr.map(node),
      offlineReplicas: p.offlineReplicas.map(node),
    }))
  }

  private waitingSends(): number {
    let waiting = this.acc.waitingCount
    for (const w of this.metadataWaits.values()) waiting += w.queue.length
    return waiting
  }

  /** Internal: the connection listeners (the KafkaJS facade's REQUEST events). */
  [CONNECTION_LISTENERS](): ConnectionObserver[] {
    return this.cluster.network.listeners
  }

  /**
   * Counters since the producer was created, and the Java producer's metrics
   * (`list()`, `value(name)`: record-send-rate, request-latency-avg, ...).
   */
  metrics(): ProducerMetrics {
    const c = this.sink.counters
    const waiting = this.waitingSends()
    return {
      ...clientMetrics(this.cluster.metrics),
      recordsSent: c.recordsSent,
      bytesSent: c.bytesSent,
      batchesSent: c.batchesSent,
      requestsSent: c.requestsSent,
      retries: c.retries,
      batchSplits: c.splits,
      errors: c.errors,
      averageBatchSize: c.batchesSent === 0 ? 0 : c.bytesSent / c.batchesSent,
      bufferInUse: this.acc.memoryUsed,
      bufferTotal: this.config['buffer.memory'],
      waitingSends: waiting,
      recordsInFlight: this.acc.recordsInFlight,
      requestsInFlight: c.requestsInFlight,
    }
  }

  /**
   * Gets the producer id for `transactional.id` from the transaction
   * coordinator, fencing any older producer with the same id and finishing its
   * open transaction. Waits up to max.block.ms; may be called again after a
   * TimeoutError.
   */
  async initTransactions(options: AbortOptions = {}): Promise<void> {
    await this.transactionCall('initTransactions', options, async () => {
      await this.transactions('initTransactions').init(this.blockDeadline())
      this.sink.wakeup()
    })
  }

  /** Starts a transaction: sends until commitTransaction() or abortTransaction() belong to it. */
  beginTransaction(): void {
    this.transactions('beginTransaction').begin()
  }

  /**
   * Adds a consumer group's offsets to the transaction: they are committed
   * with it (read-process-write, exactly once). `groupMetadata` is the
   * consumer's `groupMetadata()`.
   */
  async sendOffsetsToTransaction(offsets: TopicPartitionOffset[], groupMetadata: ConsumerGroupMetadata, options: AbortOptions = {}): Promise<void> {
    await this.transactionCall('sendOffsetsToTransaction', options, () => {
      // Checked before the transaction is touched: a bad offset must not make it abortable.
      topicPartitionOffsets('sendOffsetsToTransaction(): offsets', offsets)
      return this.transactions('sendOffsetsToTransaction').sendOffsets(offsets, groupMetadata, this.blockDeadline())
    })
  }

  /**
   * Sends every pending record of the transaction, waits for them, then
   * commits. Fails if any record of the transaction failed (then
   * abortTransaction()), or with TimeoutError after max.block.ms (may be called
   * again).
   */
  async commitTransaction(options: AbortOptions = {}): Promise<void> {
    await this.transactionCall('commitTransaction', options,
      () => this.transactions('commitTransaction').commit(() => this.flush(), this.blockDeadline()))
  }

  /** Fails the records not sent yet, waits for those in flight, then aborts the transaction. */
  async abortTransaction(options: AbortOptions = {}): Promise<void> {
    await this.transactionCall('abortTransaction', options, () => this.transactions('abortTransaction').abort(
      (error) => this.abortUnsent(error),
      () => this.until(() => this.serializing.length === 0 && this.metadataWaits.size === 0 && this.acc.incomplete.size === 0),
      this.blockDeadline(),
    ))
  }

  /**
   * Runs a transaction call under `options.signal`. As Java does after a
   * timeout, an aborted call goes on in the background and calling the same
   * method again waits for its outcome; another transaction method meanwhile
   * fails with ILLEGAL_STATE.
   */
  private async transactionCall(method: string, options: AbortOptions, start: () => Promise<void>): Promise<void> {
    const signal = checkSignal(options?.signal, `${method}()`)
    throwIfAborted(signal, `${method}()`)
    const pending = this.txnPending
    if (pending !== undefined) {
      if (pending.method !== method) {
        throw new KafkaError(`${method}(): ${pending.method}() is still completing (its caller stopped waiting); call ${pending.method}() again to wait for it`, { type: 'ILLEGAL_STATE' })
      }
      return abortable(signal, () => pending.promise, `${method}()`)
    }
    if (signal === undefined) return start()
    const entry = { method, promise: start() }
    this.txnPending = entry
    const clear = () => {
      if (this.txnPending === entry) this.txnPending = undefined
    }
    entry.promise.then(clear, clear)
    return abortable(signal, () => entry.promise, `${method}()`)
  }

  private transactions(method: string): Transactions {
    if (this.state !== 'open') throw closedError(`${method}(): the producer is closed`)
    if (this.txn === undefined) {
      throw new KafkaError(`${method}(): transactions need "transactional.id" in the producer config`, { type: 'ILLEGAL_STATE' })
    }
    return this.txn
  }

  private blockDeadline(): number {
    return Date.now() + this.maxBlockMs
  }

  /** Fails records that have not been sent: queued batches, and sends waiting for memory or metadata. */
  private abortUnsent(error: KafkaError): void {
    for (const [topic, wait] of this.metadataWaits) this.stopWait(topic, wait, error)
    this.sink.abortQueued(error)
    this.sink.wakeup()
  }
}

Object.defineProperty(ProducerImpl, 'name', { value: 'Producer' })

/** The producer; see {@link ProducerImpl} for its contract. */
export type Producer<K = Buffer, V = Buffer> = ProducerImpl<K, V>

export interface ProducerConstructor {
  /**
   * Key and value types inferred from the serializers: with
   * `'key.serializer': serializers.int32` and `'value.serializer': serializers.string`
   * (or the Java class names) this is a `Producer<number, string>`; without
   * serializers, `Producer<Buffer, Buffer>`.
   */
  new <KS extends SerializerOption = undefined, VS extends SerializerOption = undefined>(
    config: ProducerConfigInput<KS, VS>,
  ): Producer<SerializedType<KS>, SerializedType<VS>>
  /** Key and value types given explicitly: `new Producer<number, string>(config)`. */
  new <K, V>(config: ProducerConfigInput<SerializerOptionFor<K>, SerializerOptionFor<V>>): Producer<K, V>
  readonly prototype: Producer<unknown, unknown>
  /**
   * A producer from a Java client `.properties` file (a path, or the text itself),
   * `overrides` applied last. Keys of Java's clients that mean nothing here
   * (`interceptor.classes`, `send.buffer.bytes`, `client.dns.lookup`, ...) are
   * ignored with a logged warning; see docs/compatibility.md.
   */
  fromProperties<K = Buffer, V = Buffer>(source: string, overrides?: Record<string, unknown>): Producer<K, V>
}

export const Producer = ProducerImpl as unknown as ProducerConstructor

function serializerFrom(option: unknown, key: string): Serializer<unknown> {
  if (option === undefined) return serializers.buffer as Serializer<unknown>
  if (typeof option === 'string') {
    const s = (javaSerializers as Record<string, Serializer<unknown>>)[option]
    if (s === undefined) {
      throw new ConfigError(`invalid producer config: "${key}" = ${JSON.stringify(option)}: unknown serializer class; expected a serializer object or one of ${Object.keys(javaSerializers).join(', ')}`, {
        context: { key },
      })
    }
    return s
  }
  if (isSerializer(option)) return option
  throw new ConfigError(`invalid producer config: "${key}": expected a serializer object { serialize(topic, data, headers) } or a Java serializer class name`, { context: { key } })
}

function serialize<T>(s: Serializer<T>, topic: string, data: T, headers: Header[], what: 'key' | 'value'): MaybeBytes {
  let out: unknown
  try {
    out = s.serialize(topic, data, headers)
  } catch (e) {
    throw serializeFailed(e, topic, what)
  }
  if (out === null || out === undefined) return null
  if (Buffer.isBuffer(out)) return out
  if (isThenable(out)) {
    return Promise.resolve(out).then((o) => bytesOf(o, topic, what), (e: unknown) => {
      throw serializeFailed(e, topic, what)
    })
  }
  return bytesOf(out, topic, what)
}

function bytesOf(out: unknown, topic: string, what: 'key' | 'value'): Buffer | null {
  if (out === null || out === undefined) return null
  if (Buffer.isBuffer(out)) return out
  if (out instanceof Uint8Array) return Buffer.from(out.buffer, out.byteOffset, out.byteLength)
  throw new SerializationError(`the ${what} serializer for topic "${topic}" returned ${typeof out}: expected a Buffer or null`, { context: { topic } })
}

function serializeFailed(e: unknown, topic: string, what: 'key' | 'value'): KafkaError {
  if (e instanceof KafkaError) return e
  return new SerializationError(`cannot serialize the ${what} for topic "${topic}": ${(e as Error)?.message ?? String(e)}`, { cause: e, context: { topic } })
}

/** Headers in array or object form → RecordHeader[] (undefined for none). */
function normalizeHeaders(h: ProducerRecord<unknown, unknown>['headers'], topic: string): RecordHeader[] | undefined {
  if (h === undefined || h === null) return undefined
  if (Array.isArray(h)) {
    if (h.length === 0) return undefined
    let out: RecordHeader[] | undefined
    for (let i = 0; i < h.length; i++) {
      const x = h[i] as { key?: unknown; value?: unknown } | null
      if (x === null || typeof x !== 'object' || typeof x.key !== 'string') {
        throw invalid(`record.headers[${i}] must be { key: string, value: Buffer | string | null }`, topic)
      }
      const v = x.value
      if (v === null || v === undefined || Buffer.isBuffer(v)) {
        if (out !== undefined) out.push({ key: x.key, value: (v ?? null) as Buffer | null })
        continue
      }
      if (typeof v !== 'string' && !(v instanceof Uint8Array)) {
        throw invalid(`record.headers[${i}].value must be a Buffer, a string or null, got ${typeof v}`, topic)
      }
      out ??= (h as RecordHeader[]).slice(0, i)
      out.push({ key: x.key, value: typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v.buffer, v.byteOffset, v.byteLength) })
    }
    return out ?? (h as RecordHeader[]).slice()
  }
  if (typeof h !== 'object') throw invalid(`record.headers must be an array of { key, value } or an object, got ${typeof h}`, topic)
  const out: RecordHeader[] = []
  for (const key of Object.keys(h)) {
    const v = (h as Record<string, unknown>)[key]
    if (v === null || v === undefined) out.push({ key, value: null })
    else if (typeof v === 'string') out.push({ key, value: Buffer.from(v, 'utf8') })
    else if (Buffer.isBuffer(v)) out.push({ key, value: v })
    else if (v instanceof Uint8Array) out.push({ key, value: Buffer.from(v.buffer, v.byteOffset, v.byteLength) })
    else throw invalid(`record.headers["${key}"] must be a Buffer, a string or null, got ${typeof v}`, topic)
  }
  return out.length === 0 ? undefined : out
}

function invalid(message: string, topic?: string): KafkaError {
  return new KafkaError(message, { type: 'INVALID_ARGUMENT', ...(topic !== undefined ? { context: { topic } } : {}) })
}

function tooLarge(size: number, c: ProducerConfig, topic: string): KafkaError {
  const limit = size > c['max.request.size']
    ? `larger than ${c['max.request.size']}, which is the value of the max.request.size configuration`
    : `larger than the total memory buffer configured with buffer.memory (${c['buffer.memory']})`
  return new KafkaError(`the record is ${size} bytes when serialized, which is ${limit}`, { type: 'MESSAGE_TOO_LARGE', code: ErrorCode.MESSAGE_TOO_LARGE, context: { topic } })
}

/** Reports an error to a callback after the current synchronous code, never inside send(). */
function failLater(callback: SendCallback, error: KafkaError): void {
  process.nextTick(invoke, callback, error, null)
}
