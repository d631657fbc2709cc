/**
 * The loop behind KafkaJS's `consumer.run()`: polls samsa's consumer and
 * hands each partition's records to `eachMessage` or `eachBatch`.
 *
 * Contract:
 * - `start()` subscribes and resolves once the group has assigned partitions
 *   (possibly none), once the loop has ended, or after `startupMs` (the join
 *   goes on); the loop runs on its own.
 * - Offsets are KafkaJS's: a message is resolved when its handler resolves
 *   (eachMessage) or when the handler calls `resolveOffset` (eachBatch; and
 *   at the end of the batch with `eachBatchAutoResolve`). With `autoCommit`,
 *   resolved offsets are committed after every batch, every
 *   `autoCommitInterval` ms / `autoCommitThreshold` messages, before
 *   partitions are revoked, and on stop. Nothing is committed that a handler
 *   has not finished: at-least-once.
 * - What a handler did not get to (it threw, the partition was paused, the
 *   batch left offsets unresolved) is delivered again: the partition is
 *   rewound to its first unhandled offset. A user `seek` or a revocation
 *   makes the batch stale: its loop stops and the new position wins.
 * - A handler error is retried with KafkaJS's backoff (the same messages
 *   again); after `retry.retries` attempts, or at once for a non-retriable
 *   error, the runner stops and reports a crash to its host.
 * - `heartbeat()` (also called after every message) keeps the member in the
 *   group during long batches: when `heartbeatInterval` has passed since the
 *   last poll it polls with every partition paused, which lets samsa run a
 *   pending rebalance and resets its max.poll.interval.ms timer.
 * - `stop()` lets the current message finish, commits, leaves the group and
 *   closes the consumer. Called from inside a handler it returns at once and
 *   the rest happens when the handler returns.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Consumer as SamsaConsumer, ConsumerRecords } from '../consumer/index.js'
import { WakeupError } from '../errors.js'
import { until as untilDeadline } from '../cluster/wait.js'
import type { TopicPartition } from '../types.js'
import { PartitionBatch } from './batch.js'
import { RETRY_DEFAULTS } from './config.js'
import { KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, toKafkaJSError } from './errors.js'
import { CONSUMER_EVENTS } from './events.js'
import { OffsetTracker, tpKey } from './offsets.js'
import { PauseState, type PauseRequest } from './pauses.js'
import type {
  EachBatchHandler,
  EachBatchPayload,
  EachMessageHandler,
  Logger,
  Offsets,
  RetryOptions,
  TopicOffsets,
  TopicPartitionOffsetAndMetadata,
} from './types.js'

/** How long one poll of the loop waits for records (stop() interrupts it). */
const POLL_MS = 1000

export interface RunnerHost {
  readonly groupId: string
  readonly logger: Logger
  emit(event: string, payload?: unknown): void
  /** Whether the subscription asked for `topic` from the beginning. */
  fromBeginning(topic: string): boolean
  /** The `auto.offset.reset` the samsa consumer was created with. */
  readonly defaultReset: 'earliest' | 'latest'
  readonly retry: RetryOptions
  readonly heartbeatIntervalMs: number
  /** The assigner name reported in GROUP_JOIN events. */
  readonly protocolName: string
  /** The loop ended for good because of `error`. */
  crashed(error: Error): void
}

export interface RunOptions {
  autoCommit: boolean
  autoCommitInterval: number | null
  autoCommitThreshold: number | null
  eachBatchAutoResolve: boolean
  concurrency: number
  eachMessage?: EachMessageHandler | null
  eachBatch?: EachBatchHandler | null
}

const inHandler = new AsyncLocalStorage<Runner>()
const UNRECOVERABLE = new Set(['RangeError', 'ReferenceError', 'SyntaxError', 'TypeError'])

/** KafkaJS's rule: retriable unless it says it is not, or it is a programming error. */
function isRetriable(e: unknown): boolean {
  const err = e as { retriable?: unknown; name?: unknown } | null
  return (err?.retriable === true || err?.retriable !== false) && !UNRECOVERABLE.has(String(err?.name))
}

function sleep(ms: number, until: Promise<void>): Promise<void> {
  return untilDeadline(until, Date.now() + ms)
}

export class Runner {
  readonly pauses = new PauseState()
  private running = true
  private closing = false
  private readonly tracker = new OffsetTracker()
  /** Bumped per partition on a user seek or a revocation: batches being handled become stale. */
  private readonly epochs = new Map<string, number>()
  /** The last user seek per partition, counted: a poll that overlapped one returned records from before it. */
  private readonly seeks = new Map<string, { count: number; offset: bigint }>()
  private readonly pendingSeeks = new Map<string, { topic: string; partition: number; offset: bigint }>()
  private pollLock: Promise<void> = Promise.resolve()
  private lastPoll = Date.now()
  private lastHeartbeat = 0
  private joinStarted = Date.now()
  private retryCount = 0
  private loopDone: Promise<void> = Promise.resolve()
  private stopped: Promise<void> | undefined
  private closed: Promise<void> | undefined
  private markStarted!: () => void
  private readonly started = new Promise<void>((r) => (this.markStarted = r))
  private wakeStop!: () => void
  private readonly stopSignal = new Promise<void>((r) => (this.wakeStop = r))

  constructor(
    private readonly host: RunnerHost,
    private readonly consumer: SamsaConsumer,
    private readonly options: RunOptions,
    /** How long start() waits for the first assignment before it resolves anyway. */
    private readonly startupMs = 60000,
  ) {}

  get isRunning(): boolean {
    return this.running
  }

  start(topics: string[]): Promise<void> {
    this.consumer.subscribe(topics, {
      onPartitionsRevoked: (tps) => this.revoked(tps, false),
      onPartitionsLost: (tps) => this.revoked(tps, true),
      onPartitionsAssigned: (tps) => this.assigned(tps),
    })
    this.loopDone = this.loop()
      .catch((e) => this.crash(toKafkaJSError(e)))
      .finally(() => this.markStarted())
    return this.startedOrLate()
  }

  /** Resolves once started and positioned, or after `startupMs` with a warning (the start goes on in the background). */
  private async startedOrLate(): Promise<void> {
    let ready = false
    await untilDeadline(this.started.then(() => this.positioned()).then(() => { ready = true }), Date.now() + this.startupMs)
    if (!ready) this.host.logger.warn('The consumer has not joined the group yet; still trying in the background', { groupId: this.host.groupId })
  }

  /**
   * Waits until every assigned partition has a position (committed offset or
   * reset looked up), so that a message produced after run() resolves is not
   * skipped by a 'latest' reset that had not happened yet.
   */
  private async positioned(): Promise<void> {
    if (!this.running) return
    await Promise.all(this.assignment().map((tp) => this.consumer.position(tp).catch(() => undefined)))
  }

  // --- the loop ---------------------------------------------------------------

  private async loop(): Promise<void> {
    while (this.running) {
      const seeks = new Map([...this.seeks].map(([k, v]) => [k, v.count]))
      const t0 = Date.now()
      this.host.emit(CONSUMER_EVENTS.FETCH_START, { nodeId: -1 })
      let records: ConsumerRecords<Buffer, Buffer>
      try {
        records = await this.poll(POLL_MS)
      } catch (e) {
        if (!this.running) break
        if (e instanceof WakeupError) continue
        await this.failed(toKafkaJSError(e), [])
        continue
      }
      this.host.emit(CONSUMER_EVENTS.FETCH, { numberOfBatches: records.partitions().length, duration: Date.now() - t0, nodeId: -1 })
      this.heartbeatEvent()
      if (records.isEmpty || !this.running) continue
      const batches = await this.batchesOf(records, seeks)
      try {
        await this.processAll(batches)
        this.retryCount = 0
      } catch (e) {
        await this.failed(e, batches)
      }
    }
  }

  private async poll(timeoutMs: number): Promise<ConsumerRecords<Buffer, Buffer>> {
    return this.withPollLock(async () => {
      try {
        return await this.consumer.poll(timeoutMs)
      } finally {
        this.lastPoll = Date.now()
      }
    })
  }

  private async withPollLock<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.pollLock
    let release!: () => void
    this.pollLock = new Promise<void>((r) => (release = r))
    await previous
    try {
      return await fn()
    } finally {
      release()
    }
  }

  /**
   * The poll's records as one batch per partition. A partition sought during
   * the poll may have returned records from before the seek: they are
   * dropped and the seek is applied again. (A rebalance during the poll needs
   * nothing: samsa returns records only from the positions after it.)
   */
  private async batchesOf(records: ConsumerRecords<Buffer, Buffer>, seeksBefore: Map<string, number>): Promise<PartitionBatch[]> {
    const out: PartitionBatch[] = []
    for (const tp of records.partitions()) {
      const key = tpKey(tp.topic, tp.partition)
      const seek = this.seeks.get(key)
      if (seek !== undefined && seek.count !== seeksBefore.get(key)) {
        try {
          this.moveTo(tp, seek.offset)
        } catch {
          // no longer assigned
        }
        continue
      }
      const epoch = this.epochs.get(key) ?? 0
      let end: bigint
      try {
        end = await this.consumer.position(tp)
      } catch {
        continue
      }
      const lag = this.consumer.currentLag(tp)
      out.push(new PartitionBatch(tp.topic, tp.partition, records.records(tp), end, end + (lag !== null && lag > 0n ? lag : 0n), epoch))
    }
    return out
  }

  private async processAll(batches: PartitionBatch[]): Promise<void> {
    const queue = batches.slice()
    const failure: { error?: unknown } = {}
    const worker = async () => {
      while (queue.length > 0 && !('error' in failure) && this.running) {
        const b = queue.shift()!
        try {
          await this.processBatch(b)
        } catch (e) {
          if (!('error' in failure)) failure.error = e
        }
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.options.concurrency, queue.length)) }, worker))
    if ('error' in failure) throw failure.error
  }

  private isStale(b: PartitionBatch): boolean {
    return (this.epochs.get(tpKey(b.topic, b.partition)) ?? 0) !== b.epoch
  }

  private async processBatch(b: PartitionBatch): Promise<void> {
    if (this.isStale(b)) return
    const info = {
      topic: b.topic,
      partition: b.partition,
      highWatermark: b.highWatermark,
      offsetLag: b.offsetLag(),
      offsetLagLow: b.offsetLagLow(),
      batchSize: b.messages.length,
      firstOffset: b.firstOffset(),
      lastOffset: b.lastOffset(),
    }
    const t0 = Date.now()
    this.host.emit(CONSUMER_EVENTS.START_BATCH_PROCESS, info)
    if (this.options.eachMessage) await this.eachMessage(b, this.options.eachMessage)
    else if (this.options.eachBatch) await this.eachBatch(b, this.options.eachBatch)
    if (this.running && !this.isStale(b)) this.rewind(b)
    this.host.emit(CONSUMER_EVENTS.END_BATCH_PROCESS, { ...info, duration: Date.now() - t0 })
    if (this.options.autoCommit) await this.autoCommit()
  }

  private async eachMessage(b: PartitionBatch, handler: EachMessageHandler): Promise<void> {
    const { topic, partition } = b
    for (let i = 0; i < b.records.length; i++) {
      if (!this.running || this.isStale(b)) return
      const record = b.records[i]!
      const offset = record.offset
      // In an OpenTelemetry `process` span when the consumer traces (as @opentelemetry/instrumentation-kafkajs does for KafkaJS).
      await this.consumer.process(record, () => inHandler.run(this, () =>
        handler({ topic, partition, message: b.messages[i]!, heartbeat: () => this.heartbeat(), pause: () => this.pauseOne(topic, partition) }),
      ))
      if (this.isStale(b)) return
      this.tracker.resolve(topic, partition, offset)
      b.next = offset + 1n
      await this.heartbeat()
      await this.commitIfNecessary().catch((e) => this.commitFailed(e))
      if (this.pauses.isPaused(topic, partition)) return
    }
    b.next = b.end
  }

  private async eachBatch(b: PartitionBatch, handler: EachBatchHandler): Promise<void> {
    const { topic, partition } = b
    const last = b.records.length > 0 ? b.records[b.records.length - 1]!.offset : undefined
    const payload: EachBatchPayload = {
      batch: b,
      resolveOffset: (offset: string) => {
        const o = BigInt(offset)
        // The last message stands for the whole batch (control records after it included), as in KafkaJS.
        const target = last !== undefined && o === last ? b.end - 1n : o
        if (this.isStale(b)) return
        this.tracker.resolve(topic, partition, target)
        if (target + 1n > b.next) b.next = target + 1n
      },
      heartbeat: () => this.heartbeat(),
      pause: () => this.pauseOne(topic, partition),
      commitOffsetsIfNecessary: async (offsets?: Offsets) => {
        if (offsets) await this.commit(offsets.topics)
        else await this.commitIfNecessary()
      },
      uncommittedOffsets: () => ({ topics: this.tracker.uncommitted() }),
      isRunning: () => this.running,
      isStale: () => this.isStale(b),
    }
    await inHandler.run(this, () => handler(payload))
    if (this.options.eachBatchAutoResolve && !this.isStale(b)) {
      this.tracker.resolve(topic, partition, b.end - 1n)
      b.next = b.end
    }
  }

  /** Puts a partition back to its first unhandled offset, so that the rest is delivered again. */
  private rewind(b: PartitionBatch): void {
    if (b.next >= b.end || this.isStale(b)) return
    try {
      this.consumer.seek({ topic: b.topic, partition: b.partition }, b.next)
    } catch (e) {
      this.host.logger.debug('could not rewind a partition', { topic: b.topic, partition: b.partition, error: (e as Error).message })
    }
  }

  /** A handler (or poll) failed: commit what was done, rewind, then back off or give up. */
  private async failed(error: unknown, batches: PartitionBatch[]): Promise<void> {
    if (!this.running) return
    const e = error instanceof Error ? error : new Error(String(error))
    if (batches.length > 0) {
      this.host.logger.error(`Error when calling ${this.options.eachMessage ? 'eachMessage' : 'eachBatch'}`, { error: e.message, stack: e.stack })
    }
    if (this.options.autoCommit) await this.autoCommit()
    for (const b of batches) this.rewind(b)
    const retries = this.host.retry.retries ?? RETRY_DEFAULTS.retries
    if (!isRetriable(e)) return this.crash(e.name === 'KafkaJSNonRetriableError' ? e : new KafkaJSNonRetriableError(e, { cause: e }))
    const retryTime = this.backoff(this.retryCount)
    if (this.retryCount >= retries) {
      return this.crash(new KafkaJSNumberOfRetriesExceeded(e, { retryCount: this.retryCount, retryTime, cause: e }))
    }
    this.retryCount++
    this.host.logger.debug('retrying after an error', { retryCount: this.retryCount, retryTime, error: e.message })
    await sleep(retryTime, this.stopSignal)
  }

  /** KafkaJS's backoff: initialRetryTime × multiplier^n (±factor jitter), at most maxRetryTime. */
  private backoff(n: number): number {
    const r = this.host.retry
    const base = Math.min((r.initialRetryTime ?? RETRY_DEFAULTS.initialRetryTime) * (r.multiplier ?? RETRY_DEFAULTS.multiplier) ** n, r.maxRetryTime ?? RETRY_DEFAULTS.maxRetryTime)
    const factor = r.factor ?? RETRY_DEFAULTS.factor
    return Math.ceil(base * (1 - factor + Math.random() * 2 * factor))
  }

  private async crash(error: Error): Promise<void> {
    if (this.closing) return
    this.running = false
    this.wakeStop()
    await this.close()
    this.markStarted()
    this.host.crashed(error)
  }

  // --- keeping the membership alive --------------------------------------------

  /** Polls (with everything paused) if `heartbeatInterval` has passed since the last poll. */
  async heartbeat(): Promise<void> {
    if (!this.running || Date.now() - this.lastPoll < this.host.heartbeatIntervalMs) return
    await this.withPollLock(async () => {
      if (!this.running || Date.now() - this.lastPoll < this.host.heartbeatIntervalMs) return
      let paused: TopicPartition[] = []
      try {
        const already = new Set(this.consumer.paused().map((tp) => tpKey(tp.topic, tp.partition)))
        paused = this.consumer.assignment().filter((tp) => !already.has(tpKey(tp.topic, tp.partition)))
        this.consumer.pause(paused)
        const records = await this.consumer.poll(0)
        // Partitions assigned during this poll were not paused: give their records back.
        for (const tp of records.partitions()) this.consumer.seek(tp, records.records(tp)[0]!.offset)
        this.heartbeatEvent()
      } catch (e) {
        if (!(e instanceof WakeupError) && this.running) this.host.logger.debug('keep-alive poll failed', { error: (e as Error).message })
      } finally {
        this.lastPoll = Date.now()
        try {
          const assigned = new Set(this.consumer.assignment().map((tp) => tpKey(tp.topic, tp.partition)))
          const back = paused.filter((tp) => assigned.has(tpKey(tp.topic, tp.partition)) && !this.pauses.isPaused(tp.topic, tp.partition))
          if (back.length > 0) this.consumer.resume(back)
        } catch {
          // closed meanwhile
        }
      }
    })
  }

  private heartbeatEvent(): void {
    const now = Date.now()
    if (now - this.lastHeartbeat < this.host.heartbeatIntervalMs) return
    const m = this.metadata()
    if (m.groupGenerationId < 0) return
    this.lastHeartbeat = now
    this.host.emit(CONSUMER_EVENTS.HEARTBEAT, { groupId: this.host.groupId, ...m })
  }

  private metadata(): { memberId: string; groupGenerationId: number } {
    try {
      const m = this.consumer.groupMetadata()
      return { memberId: m.memberId, groupGenerationId: m.generationId }
    } catch {
      return { memberId: '', groupGenerationId: -1 }
    }
  }

  // --- rebalances --------------------------------------------------------------

  private bump(tps: TopicPartition[]): void {
    for (const tp of tps) {
      const key = tpKey(tp.topic, tp.partition)
      this.epochs.set(key, (this.epochs.get(key) ?? 0) + 1)
    }
  }

  private async revoked(tps: TopicPartition[], lost: boolean): Promise<void> {
    this.bump(tps)
    if (tps.length === 0) return
    if (!this.closing) {
      this.joinStarted = Date.now()
      this.host.emit(CONSUMER_EVENTS.REBALANCING, { groupId: this.host.groupId, memberId: this.metadata().memberId })
    }
    if (!lost && this.options.autoCommit) await this.autoCommit(tps)
    this.tracker.forget(tps)
  }

  private async assigned(tps: TopicPartition[]): Promise<void> {
    try {
      const paused = tps.filter((tp) => this.pauses.isPaused(tp.topic, tp.partition))
      if (paused.length > 0) this.consumer.pause(paused)
      // Partitions without a committed offset start where their topic's subscription said.
      const differing = tps.filter(
        (tp) => (this.host.fromBeginning(tp.topic) ? 'earliest' : 'latest') !== this.host.defaultReset && !this.pendingSeeks.has(tpKey(tp.topic, tp.partition)),
      )
      if (differing.length > 0) {
        for (const c of await this.consumer.committed(differing)) {
          if (c.offset >= 0n) continue
          if (this.host.fromBeginning(c.topic)) this.consumer.seekToBeginning([c])
          else this.consumer.seekToEnd([c])
        }
      }
      for (const tp of tps) {
        const key = tpKey(tp.topic, tp.partition)
        const seek = this.pendingSeeks.get(key)
        if (seek) {
          this.pendingSeeks.delete(key)
          this.applySeek(seek.topic, seek.partition, seek.offset)
        }
      }
      const assignment: Record<string, number[]> = {}
      for (const tp of this.consumer.assignment()) (assignment[tp.topic] ??= []).push(tp.partition)
      for (const list of Object.values(assignment)) list.sort((a, b) => a - b)
      const m = this.metadata()
      this.host.emit(CONSUMER_EVENTS.GROUP_JOIN, {
        duration: Date.now() - this.joinStarted,
        groupId: this.host.groupId,
        isLeader: false,
        leaderId: '',
        groupProtocol: this.host.protocolName,
        memberId: m.memberId,
        memberAssignment: assignment,
      })
      this.host.logger.info('Consumer has joined the group', { groupId: this.host.groupId, memberId: m.memberId, memberAssignment: assignment })
    } catch (e) {
      this.host.logger.error(`Error while setting up assigned partitions: ${(e as Error).message}`, { groupId: this.host.groupId })
    } finally {
      this.markStarted()
    }
  }

  // --- seek and pause ----------------------------------------------------------

  /** KafkaJS's seek: applied now if the partition is assigned, else when it is. -1 latest, -2 earliest. */
  seek(topic: string, partition: number, offset: bigint): void {
    const assigned = this.consumer.assignment().some((tp) => tp.topic === topic && tp.partition === partition)
    if (!assigned) {
      this.pendingSeeks.set(tpKey(topic, partition), { topic, partition, offset })
      return
    }
    this.applySeek(topic, partition, offset)
  }

  private moveTo(tp: TopicPartition, offset: bigint): void {
    if (offset === -2n) this.consumer.seekToBeginning([tp])
    else if (offset === -1n) this.consumer.seekToEnd([tp])
    else this.consumer.seek(tp, offset)
  }

  private applySeek(topic: string, partition: number, offset: bigint): void {
    const tp = { topic, partition }
    const key = tpKey(topic, partition)
    this.bump([tp])
    this.seeks.set(key, { count: (this.seeks.get(key)?.count ?? 0) + 1, offset })
    this.moveTo(tp, offset)
    if (!this.options.autoCommit) {
      if (offset >= 0n) this.tracker.setNext(topic, partition, offset)
      return
    }
    // With auto-commit, KafkaJS commits the offset sought to at once.
    this.tracker.clearResolved(topic, partition)
    if (offset >= 0n) {
      this.commit([{ topic, partitions: [{ partition, offset: String(offset) }] }]).catch((e) => this.commitFailed(e))
    }
  }

  pause(request: PauseRequest): void {
    this.pauses.pause(request)
    this.syncPauses()
  }

  resume(request: PauseRequest): void {
    this.pauses.resume(request)
    this.syncPauses()
  }

  private pauseOne(topic: string, partition: number): () => void {
    this.pause([{ topic, partitions: [partition] }])
    return () => this.resume([{ topic, partitions: [partition] }])
  }

  paused(): { topic: string; partitions: number[] }[] {
    return this.pauses.paused(this.assignment())
  }

  private assignment(): TopicPartition[] {
    try {
      return this.consumer.assignment()
    } catch {
      return []
    }
  }

  /** Makes samsa's paused partitions match the KafkaJS pause state. */
  private syncPauses(): void {
    if (this.closing) return
    const assigned = this.assignment()
    const isPausedNow = new Set(this.consumer.paused().map((tp) => tpKey(tp.topic, tp.partition)))
    const pause = assigned.filter((tp) => this.pauses.isPaused(tp.topic, tp.partition) && !isPausedNow.has(tpKey(tp.topic, tp.partition)))
    const resume = assigned.filter((tp) => !this.pauses.isPaused(tp.topic, tp.partition) && isPausedNow.has(tpKey(tp.topic, tp.partition)))
    if (pause.length > 0) this.consumer.pause(pause)
    if (resume.length > 0) this.consumer.resume(resume)
  }

  // --- commits -----------------------------------------------------------------

  private async commitIfNecessary(): Promise<void> {
    const { autoCommitInterval: interval, autoCommitThreshold: threshold } = this.options
    const due =
      (interval !== null && interval !== undefined && Date.now() >= this.tracker.lastCommit + interval) ||
      (threshold !== null && threshold !== undefined && this.tracker.pendingCount() >= BigInt(threshold))
    if (due) await this.commit(this.tracker.uncommitted())
  }

  /** Commits the resolved offsets (of `only`, if given); failures are logged, not thrown. */
  private async autoCommit(only?: TopicPartition[]): Promise<void> {
    await this.commit(this.tracker.uncommitted(only)).catch((e) => this.commitFailed(e))
  }

  private commitFailed(e: unknown): void {
    this.host.logger.warn(`Failed to commit offsets: ${(e as Error)?.message ?? String(e)}`, { groupId: this.host.groupId })
  }

  /** Commits these offsets (next offset to read, KafkaJS's shape), then records and reports them. */
  async commit(topics: TopicOffsets[], metadata?: Map<string, string | null>): Promise<void> {
    if (topics.length === 0) {
      this.tracker.lastCommit = Date.now()
      return
    }
    const offsets = topics.flatMap((t) =>
      t.partitions.map((p) => {
        const meta = metadata?.get(tpKey(t.topic, p.partition))
        return { topic: t.topic, partition: p.partition, offset: BigInt(p.offset), ...(meta ? { metadata: meta } : {}) }
      }),
    )
    try {
      await this.consumer.commitSync(offsets)
    } catch (e) {
      throw toKafkaJSError(e)
    }
    this.tracker.markCommitted(topics)
    this.host.emit(CONSUMER_EVENTS.COMMIT_OFFSETS, { groupId: this.host.groupId, ...this.metadata(), topics })
  }

  /** `consumer.commitOffsets()`: commits exactly these offsets. */
  async commitOffsets(list: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    const byTopic = new Map<string, { partition: number; offset: string }[]>()
    const metadata = new Map<string, string | null>()
    for (const { topic, partition, offset, metadata: meta = null } of list) {
      const parts = byTopic.get(topic) ?? []
      parts.push({ partition, offset: String(offset) })
      byTopic.set(topic, parts)
      metadata.set(tpKey(topic, partition), meta)
    }
    await this.commit([...byTopic].map(([topic, partitions]) => ({ topic, partitions })), metadata)
  }

  // --- stop --------------------------------------------------------------------

  stop(): Promise<void> {
    this.running = false
    this.wakeStop()
    try {
      this.consumer.wakeup()
    } catch {
      // closed already
    }
    this.stopped ??= this.loopDone.then(() => this.close())
    if (inHandler.getStore() === this) {
      // Called from a handler: waiting here would wait for ourselves.
      this.stopped.catch(() => undefined)
      return Promise.resolve()
    }
    return this.stopped
  }

  private close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true
      if (this.options.autoCommit) await this.autoCommit()
      try {
        await this.consumer.close()
      } catch (e) {
        this.host.logger.error(`Error while closing the consumer: ${(e as Error).message}`, { groupId: this.host.groupId })
      }
    })()
    return this.closed
  }
}

