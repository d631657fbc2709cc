/**
 * MockConsumer: a Consumer for application unit tests, modelled on the Java
 * client's `MockConsumer`. It has the Consumer's types and call shapes, talks
 * to no broker, and returns the records the test adds with `addRecord()`.
 *
 * What a test may rely on:
 * - `subscribe()` assigns nothing by itself: the test assigns with
 *   `rebalance(partitions)`, which runs the rebalance listener (revoked, then
 *   assigned) and resolves when it has run. `assign()` assigns at once.
 * - `addRecord()` accepts records of assigned partitions only (as Java's).
 * - A partition's first position is its committed offset, else the
 *   `auto.offset.reset` end given by `updateBeginningOffsets()` /
 *   `updateEndOffsets()`; without one poll() fails naming the call to make.
 * - poll() first runs one task of `schedulePollTask()`, then throws the error
 *   of `setPollException()` (once), then returns the added records at or after
 *   each position of assigned, unpaused partitions (at most
 *   `max.poll.records`), advancing the positions. With nothing to return it
 *   waits, like the real consumer, until a record is added, wakeup() is
 *   called or `timeoutMs` passes (Java's MockConsumer returns at once; a
 *   JavaScript poll loop that never waits would starve the event loop).
 * - Commits are stored at once; `committed()` reads them back; -1n where none.
 */
import { ConsumerRecords, type ConsumerRecord } from '../consumer/records.js'
import type { Consumer, ConsumerRebalanceListener, ConsumerGroupMetadata, ApiCallOptions, OffsetCommitCallback } from '../consumer/consumer.js'
import { listAndCallback } from '../util/arguments.js'
import { KafkaError, WakeupError } from '../errors.js'
import type { Header, TopicPartition, TopicPartitionOffset } from '../types.js'

/** The Consumer calls a MockConsumer offers, with the Consumer's exact types. */
export type ConsumerApi<K, V> = Pick<Consumer<K, V>,
  'subscribe' | 'assign' | 'unsubscribe' | 'subscription' | 'assignment' | 'poll' | 'commitSync' | 'commitAsync' |
  'seek' | 'seekToBeginning' | 'seekToEnd' | 'position' | 'committed' | 'beginningOffsets' | 'endOffsets' |
  'pause' | 'resume' | 'paused' | 'currentLag' | 'groupMetadata' | 'wakeup' | 'close' | 'enforceRebalance'> &
  AsyncIterable<ConsumerRecord<K, V>>

export interface MockConsumerOptions {
  /** Where a partition without a committed offset starts (default 'latest', as in Java). */
  'auto.offset.reset'?: 'earliest' | 'latest' | 'none'
  /** The group of groupMetadata() and of the commits. */
  'group.id'?: string
  'group.instance.id'?: string
  /** At most this many records per poll (default 500). */
  'max.poll.records'?: number
}

/** A record to add: topic, partition and offset are required; the rest has defaults. */
export type MockRecord<K, V> = Pick<ConsumerRecord<K, V>, 'topic' | 'partition' | 'offset'> & Partial<ConsumerRecord<K, V>>

const tpKey = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`

interface PartitionState {
  tp: TopicPartition
  position: bigint | null
  paused: boolean
}

function illegalState(message: string): KafkaError {
  return new KafkaError(message, { type: 'ILLEGAL_STATE', retriable: false })
}

export class MockConsumer<K = Buffer, V = Buffer> implements ConsumerApi<K, V> {
  private readonly reset: 'earliest' | 'latest' | 'none'
  private readonly groupId: string | undefined
  private readonly instanceId: string | null
  private readonly maxPollRecords: number
  private subscribed: string[] = []
  private pattern: RegExp | undefined
  private listener: ConsumerRebalanceListener | undefined
  private readonly assigned = new Map<string, PartitionState>()
  private readonly records = new Map<string, ConsumerRecord<K, V>[]>()
  private readonly beginning = new Map<string, bigint>()
  private readonly end = new Map<string, bigint>()
  private readonly commits = new Map<string, TopicPartitionOffset>()
  private readonly pollTasks: (() => void | Promise<void>)[] = []
  private pollException: Error | undefined
  private commitException: Error | undefined
  private wakeupPending = false
  private isClosed = false
  private generation = 0
  private rebalanceRequested = false
  private waiter: (() => void) | undefined

  constructor(options: MockConsumerOptions = {}) {
    this.reset = options['auto.offset.reset'] ?? 'latest'
    this.groupId = options['group.id']
    this.instanceId = options['group.instance.id'] ?? null
    this.maxPollRecords = options['max.poll.records'] ?? 500
  }

  // --- subscription ---------------------------------------------------------

  subscribe(topics: string[] | RegExp, listener?: ConsumerRebalanceListener): void {
    this.checkOpen()
    if (topics instanceof RegExp) {
      this.pattern = topics
      this.subscribed = []
    } else {
      this.pattern = undefined
      this.subscribed = [...topics]
    }
    this.listener = listener
  }

  assign(partitions: TopicPartition[]): void {
    this.checkOpen()
    this.subscribed = []
    this.pattern = undefined
    this.setAssignment(partitions)
  }

  unsubscribe(): void {
    this.checkOpen()
    this.subscribed = []
    this.pattern = undefined
    this.assigned.clear()
    this.records.clear()
  }

  subscription(): string[] {
    return [...this.subscribed]
  }

  assignment(): TopicPartition[] {
    return [...this.assigned.values()].map((s) => ({ ...s.tp }))
  }

  /**
   * The group assigns `partitions` to this member: the listener's
   * onPartitionsRevoked runs for the partitions taken away, then
   * onPartitionsAssigned for the new ones. Buffered records of revoked
   * partitions are dropped.
   */
  async rebalance(partitions: TopicPartition[]): Promise<void> {
    this.checkOpen()
    if (this.subscribed.length === 0 && this.pattern === undefined) throw illegalState('rebalance(): subscribe() first')
    for (const tp of partitions) {
      if (!this.isSubscribedTo(tp.topic)) throw illegalState(`rebalance(): topic "${tp.topic}" is not subscribed`)
    }
    const next = new Set(partitions.map(tpKey))
    const revoked = [...this.assigned.values()].filter((s) => !next.has(tpKey(s.tp))).map((s) => ({ ...s.tp }))
    const added = partitions.filter((tp) => !this.assigned.has(tpKey(tp))).map((tp) => ({ topic: tp.topic, partition: tp.partition }))
    if (revoked.length > 0) await this.listener?.onPartitionsRevoked?.(revoked)
    this.setAssignment(partitions)
    this.generation++
    this.rebalanceRequested = false
    if (added.length > 0) await this.listener?.onPartitionsAssigned?.(added)
    this.notify()
  }

  /** True after enforceRebalance() until the next rebalance(). */
  shouldRebalance(): boolean {
    return this.rebalanceRequested
  }

  enforceRebalance(): void {
    this.checkOpen()
    if (this.subscribed.length === 0 && this.pattern === undefined) throw illegalState('enforceRebalance(): the consumer is not subscribed to a group')
    this.rebalanceRequested = true
  }

  // --- records --------------------------------------------------------------

  /** Adds a record for poll() to return; its partition must be assigned. */
  addRecord(record: MockRecord<K, V>): void {
    this.checkOpen()
    const key = tpKey(record)
    if (!this.assigned.has(key)) {
      throw illegalState(`addRecord(): partition ${record.topic}-${record.partition} is not assigned to the consumer (assign() or rebalance() first)`)
    }
    if (typeof record.offset !== 'bigint' || record.offset < 0n) throw new KafkaError(`addRecord(): offset must be a bigint >= 0n, got ${String(record.offset)}`, { type: 'INVALID_ARGUMENT' })
    const full: ConsumerRecord<K, V> = {
      timestamp: Date.now(),
      timestampType: 'CreateTime',
      key: null,
      value: null,
      headers: [] as Header[],
      serializedKeySize: -1,
      serializedValueSize: -1,
      ...record,
    }
    let list = this.records.get(key)
    if (list === undefined) this.records.set(key, (list = []))
    list.push(full)
    this.notify()
  }

  /** Runs `task` at the start of a later poll (one task per poll, in order). */
  schedulePollTask(task: () => void | Promise<void>): void {
    this.pollTasks.push(task)
    this.notify()
  }

  /** A poll that does nothing but return (Java's scheduleNopPollTask). */
  scheduleNopPollTask(): void {
    this.schedulePollTask(() => {})
  }

  /** The next poll throws `error` (once). */
  setPollException(error: Error): void {
    this.pollException = error
    this.notify()
  }

  /** The next commit (sync or async) fails with `error` (once). */
  setCommitException(error: Error): void {
    this.commitException = error
  }

  async poll(timeoutMs: number): Promise<ConsumerRecords<K, V>> {
    this.checkOpen()
    const deadline = Date.now() + Math.max(0, timeoutMs)
    for (;;) {
      if (this.wakeupPending) {
        this.wakeupPending = false
        throw new WakeupError()
      }
      const task = this.pollTasks.shift()
      if (task !== undefined) {
        await task()
        this.checkOpen()
      }
      if (this.pollException !== undefined) {
        const e = this.pollException
        this.pollException = undefined
        throw e
      }
      if (this.subscribed.length === 0 && this.pattern === undefined && this.assigned.size === 0) {
        throw illegalState('poll(): the consumer is not subscribed to any topics or assigned any partitions')
      }
      const out = this.take()
      if (out.count > 0 || task !== undefined || Date.now() >= deadline) return out
      await this.waitForChange(deadline - Date.now())
      if (this.isClosed) return ConsumerRecords.empty()
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ConsumerRecord<K, V>, void, undefined> {
    while (!this.isClosed) {
      const records = await this.poll(1000)
      for (const r of records) yield r
    }
  }

  // --- offsets --------------------------------------------------------------

  async commitSync(offsets?: TopicPartitionOffset[], options?: ApiCallOptions): Promise<void>
  async commitSync(options: ApiCallOptions): Promise<void>
  async commitSync(offsetsOrOptions?: TopicPartitionOffset[] | ApiCallOptions): Promise<void> {
    this.checkOpen()
    this.store(Array.isArray(offsetsOrOptions) ? offsetsOrOptions : this.consumed())
  }

  commitAsync(callback: OffsetCommitCallback): void
  commitAsync(offsets?: TopicPartitionOffset[], callback?: OffsetCommitCallback): void
  commitAsync(offsetsOrCallback?: TopicPartitionOffset[] | OffsetCommitCallback, maybeCallback?: OffsetCommitCallback): void {
    const { list: offsets, callback } = listAndCallback<TopicPartitionOffset[], OffsetCommitCallback>(offsetsOrCallback, maybeCallback)
    const list = offsets ?? (this.isClosed ? [] : this.consumed())
    let error: KafkaError | null = null
    try {
      this.checkOpen()
      this.store(list)
    } catch (e) {
      error = e instanceof KafkaError ? e : new KafkaError((e as Error).message, { cause: e })
    }
    queueMicrotask(() => callback?.(error, list))
  }

  async committed(tps: TopicPartition[]): Promise<TopicPartitionOffset[]> {
    this.checkOpen()
    return tps.map((tp) => {
      const c = this.commits.get(tpKey(tp))
      return c !== undefined ? { ...c } : { topic: tp.topic, partition: tp.partition, offset: -1n }
    })
  }

  seek(tp: TopicPartition, offset: bigint): void {
    this.checkOpen()
    if (typeof offset !== 'bigint' || offset < 0n) throw new KafkaError(`seek(): offset must be a bigint >= 0n, got ${String(offset)}`, { type: 'INVALID_ARGUMENT' })
    this.require(tp, 'seek()').position = offset
    this.notify()
  }

  seekToBeginning(tps?: TopicPartition[]): void {
    this.seekTo(tps, 'earliest', 'seekToBeginning()')
  }

  seekToEnd(tps?: TopicPartition[]): void {
    this.seekTo(tps, 'latest', 'seekToEnd()')
  }

  async position(tp: TopicPartition): Promise<bigint> {
    this.checkOpen()
    return this.resolvePosition(this.require(tp, 'position()'))
  }

  async beginningOffsets(tps: TopicPartition[]): Promise<TopicPartitionOffset[]> {
    return tps.map((tp) => ({ topic: tp.topic, partition: tp.partition, offset: this.known(this.beginning, tp, 'updateBeginningOffsets') }))
  }

  async endOffsets(tps: TopicPartition[]): Promise<TopicPartitionOffset[]> {
    return tps.map((tp) => ({ topic: tp.topic, partition: tp.partition, offset: this.known(this.end, tp, 'updateEndOffsets') }))
  }

  /** Sets partitions' first offsets (for beginningOffsets() and the 'earliest' reset). */
  updateBeginningOffsets(offsets: TopicPartitionOffset[]): void {
    for (const o of offsets) this.beginning.set(tpKey(o), o.offset)
  }

  /** Sets partitions' end offsets (for endOffsets(), currentLag() and the 'latest' reset). */
  updateEndOffsets(offsets: TopicPartitionOffset[]): void {
    for (const o of offsets) this.end.set(tpKey(o), o.offset)
  }

  // --- flow control, group, lifecycle --------------------------------------

  pause(tps: TopicPartition[]): void {
    this.checkOpen()
    for (const tp of tps) this.require(tp, 'pause()').paused = true
  }

  resume(tps: TopicPartition[]): void {
    this.checkOpen()
    for (const tp of tps) this.require(tp, 'resume()').paused = false
    this.notify()
  }

  paused(): TopicPartition[] {
    return [...this.assigned.values()].filter((s) => s.paused).map((s) => ({ ...s.tp }))
  }

  currentLag(tp: TopicPartition): bigint | null {
    const s = this.assigned.get(tpKey(tp))
    const end = this.end.get(tpKey(tp))
    if (s === undefined || s.position === null || end === undefined) return null
    return end - s.position
  }

  groupMetadata(): ConsumerGroupMetadata {
    this.checkOpen()
    if (this.groupId === undefined) throw new KafkaError('groupMetadata(): this operation needs a consumer group: set "group.id" in the MockConsumer options', { type: 'INVALID_GROUP_ID' })
    return { groupId: this.groupId, generationId: this.generation === 0 ? -1 : this.generation, memberId: this.generation === 0 ? '' : 'mock-member', groupInstanceId: this.instanceId }
  }

  wakeup(): void {
    this.wakeupPending = true
    this.notify()
  }

  async close(): Promise<void> {
    this.isClosed = true
    this.notify()
  }

  closed(): boolean {
    return this.isClosed
  }

  // --- internals ------------------------------------------------------------

  private isSubscribedTo(topic: string): boolean {
    return this.pattern !== undefined ? this.pattern.test(topic) : this.subscribed.includes(topic)
  }

  private setAssignment(partitions: TopicPartition[]): void {
    const next = new Map<string, PartitionState>()
    for (const tp of partitions) {
      const key = tpKey(tp)
      next.set(key, this.assigned.get(key) ?? { tp: { topic: tp.topic, partition: tp.partition }, position: null, paused: false })
    }
    for (const key of this.assigned.keys()) if (!next.has(key)) this.records.delete(key)
    this.assigned.clear()
    for (const [k, v] of next) this.assigned.set(k, v)
  }

  private take(): ConsumerRecords<K, V> {
    const byPartition = new Map<string, { tp: TopicPartition; records: ConsumerRecord<K, V>[] }>()
    let count = 0
    for (const [key, state] of this.assigned) {
      if (state.paused || count >= this.maxPollRecords) continue
      const list = this.records.get(key)
      if (list === undefined || list.length === 0) continue
      const position = this.resolvePosition(state)
      const keep: ConsumerRecord<K, V>[] = []
      const out: ConsumerRecord<K, V>[] = []
      let next = position
      for (const r of list) {
        if (r.offset < next) continue // already read (or sought past): dropped, as Java does
        if (count < this.maxPollRecords) {
          out.push(r)
          next = r.offset + 1n
          count++
        } else {
          keep.push(r)
        }
      }
      this.records.set(key, keep)
      if (out.length > 0) {
        state.position = next
        byPartition.set(key, { tp: { ...state.tp }, records: out })
      }
    }
    return new ConsumerRecords(byPartition, count)
  }

  private resolvePosition(state: PartitionState): bigint {
    if (state.position !== null) return state.position
    const committed = this.commits.get(tpKey(state.tp))
    if (committed !== undefined) return (state.position = committed.offset)
    if (this.reset === 'none') {
      throw new KafkaError(`no committed offset for ${state.tp.topic}-${state.tp.partition} and "auto.offset.reset" is "none"`, { type: 'NO_OFFSET_FOR_PARTITION', retriable: false })
    }
    const where = this.reset === 'earliest' ? this.beginning : this.end
    return (state.position = this.known(where, state.tp, this.reset === 'earliest' ? 'updateBeginningOffsets' : 'updateEndOffsets'))
  }

  private known(map: Map<string, bigint>, tp: TopicPartition, call: string): bigint {
    const offset = map.get(tpKey(tp))
    if (offset === undefined) throw illegalState(`MockConsumer has no offset for ${tp.topic}-${tp.partition}: call ${call}() first`)
    return offset
  }

  private seekTo(tps: TopicPartition[] | undefined, where: 'earliest' | 'latest', what: string): void {
    this.checkOpen()
    const states = tps !== undefined && tps.length > 0 ? tps.map((tp) => this.require(tp, what)) : [...this.assigned.values()]
    for (const s of states) {
      s.position = this.known(where === 'earliest' ? this.beginning : this.end, s.tp, where === 'earliest' ? 'updateBeginningOffsets' : 'updateEndOffsets')
    }
    this.notify()
  }

  private consumed(): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = []
    for (const s of this.assigned.values()) if (s.position !== null) out.push({ topic: s.tp.topic, partition: s.tp.partition, offset: s.position })
    return out
  }

  private store(offsets: TopicPartitionOffset[]): void {
    if (this.commitException !== undefined) {
      const e = this.commitException
      this.commitException = undefined
      throw e
    }
    for (const o of offsets) this.commits.set(tpKey(o), { ...o })
  }

  private require(tp: TopicPartition, what: string): PartitionState {
    const s = this.assigned.get(tpKey(tp))
    if (s === undefined) throw illegalState(`${what}: partition ${tp.topic}-${tp.partition} is not assigned to the consumer`)
    return s
  }

  private checkOpen(): void {
    if (this.isClosed) throw new KafkaError('the consumer is closed', { type: 'CLIENT_CLOSED' })
  }

  private waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms))
      const self = this
      function done(): void {
        clearTimeout(timer)
        if (self.waiter === done) self.waiter = undefined
        resolve()
      }
      this.waiter?.()
      this.waiter = done
    })
  }

  private notify(): void {
    this.waiter?.()
  }
}
