/**
 * Sink: moves batches from the accumulator to the brokers (Java's Sender).
 *
 * Contract:
 * - Each run asks the accumulator which brokers have sendable batches, and
 *   for each broker that is connected and has fewer than
 *   `max.in.flight.requests.per.connection` produce requests awaiting a
 *   response, drains one ProduceRequest's worth of batches (one per
 *   partition, up to `max.request.size`). Requests to one broker are written
 *   in drain order, also when compression finishes out of order; without
 *   compression in the same tick. When a response frees a slot, the next
 *   request is written before that response's callbacks run.
 * - A batch of several records refused with MESSAGE_TOO_LARGE is split and
 *   its records sent again, in order (see Accumulator.split).
 * - A partition error that may be retried (NOT_LEADER_OR_FOLLOWER, a broken
 *   connection, a timeout, ...) puts the batch back for another attempt after
 *   `retry.backoff.ms` (growing exponentially, with jitter, up to
 *   `retry.backoff.max.ms`), as long as `retries` and `delivery.timeout.ms`
 *   allow; errors that say the metadata is stale refresh it first. Other
 *   errors fail the batch's records with the broker's error, once believed:
 *   a code Produce never carries is taken for a corrupt response and retried,
 *   and any other non-retriable code must come twice in a row
 *   (produce-errors.ts). A malformed response is a broken connection
 *   (retriable, see Connection).
 * - A batch older than `delivery.timeout.ms` fails with a TimeoutError saying
 *   how long it waited and why it could not be delivered (its last error, or
 *   that its partition has no leader, or that the leader cannot be reached).
 * - With acks=0 a batch is complete once written to the socket (offset -1n).
 * - Runs are scheduled with setImmediate (work now) or one timer (linger,
 *   backoff, expiry); there is no timer when nothing is pending.
 */
import type { ProducerMetricsRecorder } from '../metrics/producer.js'
import type { Cluster } from '../cluster/cluster.js'
import { ConnectionError, KafkaError, TimeoutError, brokerError, restated } from '../errors.js'
import type { Connection } from '../network/connection.js'
import { tracePromise, tracing, type ProduceContext } from '../network/diagnostics.js'
import { isStaleMetadata } from '../protocol/error-classes.js'
import { ErrorCode } from '../protocol/errors.js'
import { ProduceApi, type PartitionProduceResponse, type ProduceResponse } from '../protocol/messages/produce.js'
import type { Accumulator, ReadyResult } from './accumulator.js'
import type { ProducerBatch } from './batch.js'
import type { Idempotence } from './idempotence.js'
import { judgeProduceError } from './produce-errors.js'
import type { PartitionQueue } from './queue.js'
import type { Transactions } from './transactions.js'
import { Log } from '../logger.js'


interface SinkSettings {
  /** 0, 1 or -1 (all). */
  acks: number
  requestTimeoutMs: number
  maxRequestSize: number
  maxInFlight: number
  retries: number
  deliveryTimeoutMs: number
  retryBackoffMs: number
  /** Keep one batch per partition in flight (max.in.flight=1 without idempotence). */
  guaranteeOrder: boolean
  /** linger.ms: how long a new batch may wait for more records. */
  lingerMs: number
  transactionalId: string | null
}

/** Counters the sink keeps for `metrics()`. */
interface SinkCounters {
  recordsSent: number
  bytesSent: number
  batchesSent: number
  requestsSent: number
  retries: number
  errors: number
  requestsInFlight: number
  /** Batches split after MESSAGE_TOO_LARGE. */
  splits: number
  /** Partition errors not believed at once (produce-errors.ts): retried as after a network error. */
  suspectResponses: number
}

interface NodeState {
  id: number
  conn: Connection | undefined
  connecting: boolean
  inFlight: number
  throttledUntil: number
  /** Why the last connection attempt failed. */
  lastError: KafkaError | undefined
  /** Requests to this broker are written in this order. */
  chain: Promise<void>
  /** Requests in the chain, waiting for compression or for earlier ones. */
  sealing: number
}

export class Sink {
  private readonly cluster: Cluster
  private readonly acc: Accumulator
  private readonly settings: SinkSettings
  private readonly idem: Idempotence | undefined
  private readonly txn: Transactions | undefined
  readonly counters: SinkCounters = { recordsSent: 0, bytesSent: 0, batchesSent: 0, requestsSent: 0, retries: 0, errors: 0, requestsInFlight: 0, splits: 0, suspectResponses: 0 }
  private readonly nodes = new Map<number, NodeState>()
  private immediate: NodeJS.Immediate | undefined
  private timer: NodeJS.Timeout | undefined
  private timerAt = Infinity
  private refreshing = false
  private nextRefreshAt = 0
  private metadataError: KafkaError | undefined
  private stopped = false
  private readonly readyResult: ReadyResult = { nodes: new Set(), queuesByNode: new Map(), unknownLeader: false, nextDelayMs: Infinity }
  private readyInUse = false
  /** Called whenever a batch is done (flush and close wait on this). */
  onBatchDone: (() => void) | undefined
  /** The producer's metrics (src/metrics/producer.ts). */
  metrics: ProducerMetricsRecorder | undefined

  private readonly log: Log

  constructor(cluster: Cluster, acc: Accumulator, settings: SinkSettings, idem: Idempotence | undefined, txn?: Transactions) {
    this.log = Log.of(cluster, 'producer')
    this.cluster = cluster
    this.acc = acc
    this.settings = settings
    this.idem = idem
    this.txn = txn
    // The parts below the sink tell it when there is something to send.
    acc.listener = {
      onSendable: () => this.wakeup(),
      onNewBatch: (batch) => {
        this.armLinger(settings.lingerMs)
        // A new partition of a transaction is added to it before its batches are drained.
        if (txn !== undefined) txn.onNewBatch(batch.queue)
      },
    }
    if (idem !== undefined) idem.listener = { onReady: () => this.wakeup(), onFatal: (error) => this.abortAll(error) }
    if (txn !== undefined) txn.wakeup = () => this.wakeup()
  }

  /** Runs the sink soon (after the current synchronous code). */
  wakeup(): void {
    if (this.immediate !== undefined || this.stopped) return
    this.immediate = setImmediate(() => {
      this.immediate = undefined
      this.run()
    })
  }

  /** Runs the sink at `now + delay` unless it runs earlier. */
  private wakeAfter(delay: number): void {
    if (this.stopped || delay === Infinity) return
    const at = Date.now() + delay
    if (this.timer !== undefined && this.timerAt <= at) return
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timerAt = at
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.timerAt = Infinity
      this.run()
    }, Math.max(0, Math.ceil(delay)))
  }

  /**
   * A new batch lingers: make sure a run happens when linger.ms is up. With
   * linger.ms 0 that is the next turn of the event loop (setImmediate, as a
   * sendable batch gets; records sent in the same synchronous code still
   * share the batch), not a 0 ms timer per batch.
   */
  private armLinger(delay: number): void {
    if (delay <= 0) this.wakeup()
    else this.wakeAfter(delay)
  }

  private node(id: number): NodeState {
    let n = this.nodes.get(id)
    if (n === undefined) {
      n = { id, conn: undefined, connecting: false, inFlight: 0, throttledUntil: 0, lastError: undefined, chain: Promise.resolve(), sealing: 0 }
      this.nodes.set(id, n)
    }
    return n
  }

  private run(): void {
    if (this.stopped) return
    const now = Date.now()
    const idem = this.idem
    if (idem !== undefined) idem.prepare()
    const txn = this.txn
    if (txn !== undefined) {
      const failing = txn.failing
      if (failing !== undefined && this.acc.hasQueued) {
        this.abortQueued(restated(failing, `the transaction cannot complete: ${failing.message}`, { type: failing.type, context: failing.context }))
      }
      txn.prepare()
    }
    for (const b of this.acc.expired(now)) this.expire(b, now)
    // One ReadyResult for every run (it does not outlive the run): cleared, not made again. A run
    // started from a callback of this one (none does today) would get its own.
    const r = this.readyInUse ? { nodes: new Set<number>(), queuesByNode: new Map<number, PartitionQueue[]>(), unknownLeader: false, nextDelayMs: Infinity } : this.readyResult
    if (r === this.readyResult) {
      this.readyInUse = true
      r.nodes.clear()
      r.queuesByNode.clear()
      r.unknownLeader = false
      r.nextDelayMs = Infinity
    }
    try {
      this.runWith(r, now)
    } finally {
      if (r === this.readyResult) this.readyInUse = false
    }
  }

  private runWith(r: ReadyResult, now: number): void {
    const idem = this.idem
    const txn = this.txn
    this.acc.ready(now, r)
    let delay = r.nextDelayMs
    if (r.unknownLeader) delay = Math.min(delay, this.refreshMetadata(now))
    for (const id of r.nodes) {
      const node = this.node(id)
      const conn = node.conn
      if (conn === undefined || !conn.isReady) {
        node.conn = undefined
        this.connect(node)
        this.acc.nodeReadiness(id, now, false)
        continue
      }
      if (node.inFlight >= this.settings.maxInFlight) {
        this.acc.nodeReadiness(id, now, false)
        continue
      }
      if (now < node.throttledUntil) {
        delay = Math.min(delay, node.throttledUntil - now)
        continue
      }
      this.acc.nodeReadiness(id, now, true)
      const batches = this.acc.drain(id, r.queuesByNode.get(id) ?? [], this.settings.maxRequestSize, now,
        idem === undefined ? notBlocked : txn === undefined ? (q, first) => idem.blocked(q, first) : (q, first) => !txn.allowed(q) || idem.blocked(q, first),
        (q, b) => this.onDrain(q, b))
      if (batches.length > 0) this.send(node, conn, batches)
    }
    if (this.acc.incomplete.size > 0) delay = Math.min(delay, this.acc.nextExpiryDelay(now))
    if (delay === Infinity && this.timer !== undefined) {
      // Nothing pending: no timer left behind.
      clearTimeout(this.timer)
      this.timer = undefined
      this.timerAt = Infinity
    }
    this.wakeAfter(delay)
  }

  private onDrain(q: PartitionQueue, b: ProducerBatch): void {
    if (this.idem !== undefined) this.idem.assign(q, b, this.settings.transactionalId !== null)
    if (this.settings.guaranteeOrder) q.muted = true
    b.inFlight = true
    b.sent = true
  }

  /** Asks for fresh metadata (at most once per retry.backoff.ms); returns when the next run should check again. */
  private refreshMetadata(now: number): number {
    if (this.refreshing) return Infinity
    if (now < this.nextRefreshAt) return this.nextRefreshAt - now
    this.refreshing = true
    this.cluster.refreshMetadata().then(
      () => {
        this.metadataError = undefined
      },
      (e: unknown) => {
        this.metadataError = e instanceof KafkaError ? e : new KafkaError(String(e))
        this.log.debug(`metadata refresh failed: ${this.metadataError.message}`)
        // Authentication failed (TLS or SASL): no retry can succeed, fail the unsent batches now.
        if (!this.metadataError.retriable && !this.stopped) this.abortQueued(this.metadataError)
      },
    ).finally(() => {
      this.refreshing = false
      this.nextRefreshAt = Date.now() + this.settings.retryBackoffMs
      this.wakeup()
    })
    return Infinity
  }

  private connect(node: NodeState): void {
    if (node.connecting) return
    node.connecting = true
    this.cluster.connectionTo(node.id).then(
      (conn) => {
        node.conn = conn
        node.lastError = undefined
      },
      (e: unknown) => {
        node.lastError = e instanceof KafkaError ? e : new ConnectionError(String(e))
        this.log.debug(`cannot connect to broker ${node.id}: ${node.lastError.message}`)
        // Authentication failed (TLS or SASL): the batches fail now rather than at delivery.timeout.ms.
        if (!node.lastError.retriable && !this.stopped) this.abortQueued(node.lastError)
        // The leader may have moved.
        this.nextRefreshAt = 0
        this.refreshMetadata(Date.now())
      },
    ).finally(() => {
      node.connecting = false
      this.wakeup()
    })
  }

  /**
   * Seals the batches and writes one ProduceRequest, in drain order per
   * broker: at once when nothing is compressed and no earlier request to the
   * broker is still being compressed, else after the compression (off the
   * event loop) and the earlier requests.
   */
  private send(node: NodeState, conn: Connection, batches: ProducerBatch[]): void {
    node.inFlight++
    this.counters.requestsInFlight++
    if (node.sealing === 0 && batches.every((b) => b.sealsSync)) {
      let records: Buffer[]
      try {
        records = batches.map((b) => b.sealSync())
      } catch (e) {
        this.requestDone(node, batches, null, toKafkaError(e, 'cannot encode the record batch'))
        return
      }
      this.write(node, conn, batches, records)
      return
    }
    node.sealing++
    const sealed = Promise.all(batches.map((b) => b.seal()))
    node.chain = node.chain
      .then(() => sealed)
      .then(
        (records) => this.write(node, conn, batches, records),
        (e: unknown) => this.requestDone(node, batches, null, toKafkaError(e, 'cannot encode the record batch')),
      )
      .finally(() => {
        node.sealing--
      })
  }

  private write(node: NodeState, conn: Connection, batches: ProducerBatch[], records: Buffer[]): void {
    // A batch that expired (or was aborted) while it was being sealed is not sent: its
    // buffer may already serve another batch.
    if (batches.some((b) => b.done)) {
      for (const b of batches) {
        if (!b.done) continue
        b.inFlight = false
        if (this.settings.guaranteeOrder) b.queue.muted = false
      }
      records = records.filter((_, i) => !batches[i]!.done)
      batches = batches.filter((b) => !b.done)
      if (batches.length === 0) {
        this.requestDone(node, batches, null, undefined)
        return
      }
    }
    const topics = new Map<string, { name: string; partitionData: { index: number; records: Buffer }[] }>()
    for (let i = 0; i < batches.length; i++) {
      const b = batches[i]!
      let t = topics.get(b.topic)
      if (t === undefined) topics.set(b.topic, (t = { name: b.topic, partitionData: [] }))
      t.partitionData.push({ index: b.partition, records: records[i]! })
    }
    const body = {
      transactionalId: this.settings.transactionalId,
      acks: this.settings.acks,
      timeoutMs: this.settings.requestTimeoutMs,
      topicData: [...topics.values()],
    }
    this.counters.requestsSent++
    const sentAt = Date.now()
    this.metrics?.requestSent(batches, sentAt)
    const context = (): ProduceContext => produceContext(conn.address, node.id, this.cluster.config['client.id'], body.transactionalId, body.acks, batches, records)
    if (this.settings.acks === 0) {
      tracePromise(tracing.produce, context, () => conn.request(ProduceApi, body, { noResponse: true })).then(
        () => this.requestDone(node, batches, null, undefined),
        (e: unknown) => this.requestDone(node, batches, null, toKafkaError(e, 'produce request failed')),
      )
    } else {
      tracePromise(tracing.produce, context, () => conn.request(ProduceApi, body)).then(
        (res) => {
          this.metrics?.responseReceived(Date.now() - sentAt, res.throttleTimeMs)
          this.requestDone(node, batches, res, undefined)
        },
        (e: unknown) => this.requestDone(node, batches, null, toKafkaError(e, 'produce request failed')),
      )
    }
  }

  /** A produce request finished: `res` (acks != 0), or written (acks=0), or failed with `error`. */
  private requestDone(node: NodeState, batches: ProducerBatch[], res: ProduceResponse | null, error: KafkaError | undefined): void {
    node.inFlight--
    this.counters.requestsInFlight--
    // The broker can take another request: send it before running this one's callbacks,
    // so that slow callbacks do not leave the connection idle. (With nothing queued the
    // wakeup below is enough: one send awaited at a time queues its record only later.)
    if (res !== null && !this.stopped && this.acc.hasQueued) this.run()
    const now = Date.now()
    if (error !== undefined) {
      this.log.debug(`produce request to broker ${node.id} failed: ${error.message}`)
      for (const b of batches) this.completeBatch(b, error, ErrorCode.NETWORK_EXCEPTION, -1n, -1, -1n, now)
    } else if (res === null) {
      for (const b of batches) this.completeBatch(b, undefined, ErrorCode.NONE, -1n, -1, -1n, now)
    } else {
      // A broker never throttles for longer than its quota window (seconds); a larger value is a corrupt
      // response, and believing it would stall the broker's partitions: cap it at request.timeout.ms.
      if (res.throttleTimeMs > 0) node.throttledUntil = now + Math.min(res.throttleTimeMs, this.settings.requestTimeoutMs)
      let pending = batches.length
      for (const t of res.responses) {
        for (const p of t.partitionResponses) {
          const b = find(batches, t.name, p.index)
          if (b === undefined) continue
          pending--
          this.completeBatch(b, p.errorCode === ErrorCode.NONE ? undefined : partitionError(b, p), p.errorCode,
            p.baseOffset, Number(p.logAppendTimeMs), p.logStartOffset, now)
        }
      }
      if (pending > 0) {
        for (const b of batches) {
          if (!b.inFlight) continue
          this.completeBatch(b, new KafkaError(`the produce response from broker ${node.id} has no result for ${b.topic}-${b.partition}`,
            { type: 'NETWORK_EXCEPTION', retriable: true }), ErrorCode.NETWORK_EXCEPTION, -1n, -1, -1n, now)
        }
      }
    }
    this.wakeup()
  }

  /** Java's Sender.completeBatch: success, retry, duplicate, or failure. */
  private completeBatch(b: ProducerBatch, error: KafkaError | undefined, code: number, baseOffset: bigint,
    logAppendTime: number, logStartOffset: bigint, now: number): void {
    b.inFlight = false
    if (this.settings.guaranteeOrder) b.queue.muted = false
    if (error === undefined) {
      this.succeed(b, baseOffset, logAppendTime, now)
      return
    }
    if (this.idem !== undefined && !b.done && this.idem.provenWritten(b)) {
      this.log.info(`${b.topic}-${b.partition}: sequences ${b.baseSequence}.. were written (later ones are acknowledged); ` +
        `the lost acknowledgement (${error.message}) is not retried`, { topic: b.topic, partition: b.partition })
      this.succeed(b, -1n, -1, now)
      return
    }
    if (code !== ErrorCode.NETWORK_EXCEPTION && !b.done && now - b.createdMs < this.settings.deliveryTimeoutMs) {
      const verdict = judgeProduceError(b, code, error)
      if (verdict.kind === 'suspect') {
        error = verdict.error
        code = ErrorCode.NETWORK_EXCEPTION
        this.counters.suspectResponses++
      }
    }
    b.lastError = error
    if (code === ErrorCode.MESSAGE_TOO_LARGE && b.recordCount > 1 && !b.done) {
      this.split(b, now)
      return
    }
    if (this.canRetry(b, code, logStartOffset, error.retriable, now)) {
      this.log.info(`retrying ${b.recordCount} record(s) for ${b.topic}-${b.partition} (attempt ${b.attempts + 1}, sequence ${b.baseSequence}, epoch ${b.producerEpoch}) after ${error.message}`, {
        topic: b.topic, partition: b.partition, records: b.recordCount, attempt: b.attempts + 1, error,
      })
      this.counters.retries += b.recordCount
      this.metrics?.retried(b)
      this.acc.reenqueue(b, now, this.idem !== undefined)
    } else if (code === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
      this.succeed(b, baseOffset, logAppendTime, now)
    } else {
      this.failBatch(b, error, b.attempts < this.settings.retries, now)
    }
    if (isStaleMetadata(code)) {
      this.nextRefreshAt = 0
      this.refreshMetadata(now)
    }
  }

  /** The broker refused a batch of several records as too large: split it and send the parts. */
  private split(b: ProducerBatch, now: number): void {
    const q = b.queue
    q.muted = true
    this.counters.splits++
    this.metrics?.split()
    this.log.info(`splitting a batch of ${b.recordCount} records for ${b.topic}-${b.partition} that the broker found too large`, { topic: b.topic, partition: b.partition, records: b.recordCount })
    this.acc.split(b, now).then(
      () => undefined,
      (e: unknown) => this.failBatch(b, toKafkaError(e, 'cannot split the batch'), false, Date.now()),
    ).finally(() => {
      q.muted = false
      this.wakeup()
    })
  }

  private canRetry(b: ProducerBatch, code: number, logStartOffset: bigint, retriable: boolean, now: number): boolean {
    if (now - b.createdMs >= this.settings.deliveryTimeoutMs || b.attempts >= this.settings.retries || b.done) return false
    return this.idem === undefined ? retriable : this.idem.canRetry(b, code, logStartOffset, retriable)
  }

  private succeed(b: ProducerBatch, baseOffset: bigint, logAppendTime: number, now: number): void {
    if (this.idem !== undefined) this.idem.completed(b, baseOffset)
    const bytes = b.sizeInBytes
    const ratio = b.compressionRatio
    if (b.complete(baseOffset, logAppendTime)) {
      this.counters.recordsSent += b.recordCount
      this.counters.bytesSent += bytes
      this.counters.batchesSent++
      if (ratio !== undefined) b.queue.topic.observeCompressionRatio(ratio)
      this.acc.release(b, now)
      this.onBatchDone?.()
    }
  }

  /** Fails a batch's records (Java's failBatch). */
  failBatch(b: ProducerBatch, error: KafkaError, adjustSequences: boolean, now: number): void {
    if (this.idem !== undefined) this.idem.failed(b, error, adjustSequences)
    if (b.fail(error)) {
      this.counters.errors += b.recordCount
      this.metrics?.failed(b)
      this.acc.release(b, now)
      this.onBatchDone?.()
    }
  }

  private expire(b: ProducerBatch, now: number): void {
    const error = new TimeoutError(
      `Expiring ${b.recordCount} record(s) for ${b.topic}-${b.partition}: ${now - b.createdMs} ms has passed since batch creation ` +
      `(delivery.timeout.ms = ${this.settings.deliveryTimeoutMs}); ${this.whyUndelivered(b)}`,
      { context: { topic: b.topic, partition: b.partition }, ...(b.lastError ? { cause: b.lastError } : {}) },
    )
    const sent = b.sent
    this.failBatch(b, error, false, now)
    if (this.idem !== undefined && sent) this.idem.markUnresolved(b)
  }

  private whyUndelivered(b: ProducerBatch): string {
    if (b.inFlight) return `the produce request sent ${b.attempts > 0 ? `(attempt ${b.attempts + 1}) ` : ''}is still awaiting a response`
    const why: string[] = []
    if (b.lastError !== undefined) why.push(`last error: ${b.lastError.message}`)
    const leader = b.queue.topic.leader(b.partition)
    if (leader < 0) {
      why.push(`the partition has no known leader${this.metadataError ? ` (metadata refresh failed: ${this.metadataError.message})` : ''}`)
    } else {
      const node = this.nodes.get(leader)
      if (node?.lastError !== undefined) why.push(`cannot connect to the partition's leader, broker ${leader}: ${node.lastError.message}`)
    }
    if (why.length > 0) return why.join('; ')
    if (this.idem !== undefined && !this.idem.ready) {
      return `the idempotent producer has no producer id yet (state ${this.idem.state}${this.idem.fatalError ? `: ${this.idem.fatalError.message}` : ''})`
    }
    return `it was not sent: broker ${leader} did not become ready for it in time`
  }

  /** Fails the batches not sent yet and the sends waiting for memory (an aborted transaction). */
  abortQueued(error: KafkaError): void {
    const now = Date.now()
    for (const b of this.acc.abortQueued(error)) this.failBatch(b, error, false, now)
  }

  /** Fails every queued and in-flight batch (fatal producer error, or close timed out). */
  abortAll(error: KafkaError): void {
    const now = Date.now()
    for (const b of this.acc.abortQueued(error)) this.failBatch(b, error, false, now)
    for (const b of [...this.acc.incomplete]) this.failBatch(b, error, false, now)
  }

  /** Stops running; timers are cleared (sockets belong to the cluster). */
  stop(): void {
    this.stopped = true
    if (this.immediate !== undefined) clearImmediate(this.immediate)
    this.immediate = undefined
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.timerAt = Infinity
  }
}

function notBlocked(): boolean {
  return false
}

function find(batches: ProducerBatch[], topic: string, partition: number): ProducerBatch | undefined {
  for (const b of batches) if (b.partition === partition && b.topic === topic && b.inFlight) return b
  return undefined
}

function partitionError(b: ProducerBatch, p: PartitionProduceResponse): KafkaError {
  let detail = p.errorMessage
  if (p.recordErrors.length > 0) {
    const records = p.recordErrors.slice(0, 5).map((r) => `record ${r.batchIndex}${r.batchIndexErrorMessage ? `: ${r.batchIndexErrorMessage}` : ''}`)
    detail = `${detail ? `${detail}; ` : ''}${records.join('; ')}${p.recordErrors.length > 5 ? `; and ${p.recordErrors.length - 5} more` : ''}`
  }
  return brokerError(p.errorCode, { topic: b.topic, partition: b.partition }, detail)
}

function toKafkaError(e: unknown, what: string): KafkaError {
  if (e instanceof KafkaError) return e
  return new KafkaError(`${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
}

/** The `samsa:produce` payload of one request. */
function produceContext(broker: string, nodeId: number, clientId: string, transactionalId: string | null, acks: number, batches: ProducerBatch[], records: Buffer[]): ProduceContext {
  let count = 0
  let bytes = 0
  const list = batches.map((b, i) => {
    count += b.recordCount
    bytes += records[i]!.length
    return { topic: b.topic, partition: b.partition, records: b.recordCount, bytes: records[i]!.length, baseSequence: b.baseSequence }
  })
  return { broker, nodeId, clientId, transactionalId, acks, batches: list, records: count, bytes }
}
