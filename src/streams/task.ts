/**
 * A stream task: one sub-topology for one partition. It owns that
 * partition's state stores and runs each input record through the nodes,
 * synchronously (an async deserializer makes that record's step a promise).
 */
import type { ConsumerRecord } from '../consumer/records.js'
import type { Log } from '../logger.js'
import { isThenable } from '../serde/serde.js'
import type { RecordCollector } from './collector.js'
import { StreamsError, TopologyError } from './errors.js'
import type { Node, SourceNode, StreamRecord, TaskContext, TopicRef } from './processor.js'
import { PunctuationQueue, type Cancellable, type PunctuationType, type Punctuator } from './punctuator.js'
import type { Serde } from './serde.js'
import { changelogTopic, InMemoryKeyValueStore, type KeyValueStore, type StateStore } from './store.js'
import type { SubTopology } from './topology.js'

/** What a task needs from the application running it. */
export interface TaskEnvironment {
  applicationId: string
  collector: RecordCollector
  log: Log
  /** Counts a dropped record (the task's dropped-records metric). */
  dropped?(taskId: string): void
  /** true: skip records the source serdes cannot read (logAndContinue). */
  skipUnreadable: boolean
  topicName(ref: TopicRef): string
  /** A processor asked for a commit (ProcessorContext.commit()). */
  requestCommit?(): void
}

export class StreamTask implements TaskContext {
  readonly stores = new Map<string, StateStore>()
  /** Records dropped by a processor (late for their window, or without key or value): Kafka Streams' dropped-records. */
  droppedRecords = 0
  private readonly sources = new Map<string, SourceNode>()
  topic = ''
  offset = -1n
  private timestamp = 0
  /** Records skipped because they could not be deserialized. */
  skipped = 0
  /** The largest timestamp of the records processed so far (-1: none yet). */
  streamTime = -1
  private readonly streamTimeSchedules = new PunctuationQueue()
  private readonly wallClockSchedules = new PunctuationQueue()

  constructor(
    readonly id: string,
    readonly sub: SubTopology,
    readonly partition: number,
    private readonly env: TaskEnvironment,
  ) {
    for (const source of sub.sources) this.sources.set(env.topicName(source.topic), source)
    for (const def of sub.stores) {
      const changelog = changelogTopic(env.applicationId, def.name)
      const logger = def.logged ? (key: Buffer | null, value: Buffer | null) => env.collector.sendBytes(changelog, partition, key, value, this.timestamp) : undefined
      this.stores.set(def.name, def.create ? def.create(changelog, logger) : new InMemoryKeyValueStore(def, changelog, logger))
    }
  }

  get applicationId(): string {
    return this.env.applicationId
  }

  /** Runs one input record through the sub-topology. */
  process(record: ConsumerRecord<Buffer | null, Buffer | null>): void | Promise<void> {
    const source = this.sources.get(record.topic)
    if (!source) throw new StreamsError(`task ${this.id} got a record of topic "${record.topic}", which is none of its sources`)
    this.topic = record.topic
    this.offset = record.offset
    this.timestamp = record.timestamp
    const key = this.read(source.keySerde, record, record.key, 'key')
    const value = this.read(source.valueSerde, record, record.value, 'value')
    if (key === SKIP || value === SKIP) return
    if (isThenable(key) || isThenable(value)) {
      return Promise.all([key, value]).then(
        ([k, v]) => this.run(source, record, k, v),
        (e: unknown) => this.unreadable(record, e),
      )
    }
    this.run(source, record, key, value)
  }

  private run(source: SourceNode, record: ConsumerRecord<Buffer | null, Buffer | null>, key: unknown, value: unknown): void {
    this.topic = record.topic
    this.offset = record.offset
    this.timestamp = record.timestamp
    source.process({ key, value, timestamp: record.timestamp, headers: record.headers }, this)
    if (record.timestamp > this.streamTime) {
      this.streamTime = record.timestamp
      this.punctuate(this.streamTimeSchedules, this.streamTime)
    }
  }

  /** Starts the nodes that have a per-task life (Processor API): after restoration, before the first record. */
  init(): void {
    for (const node of this.nodes()) node.init?.(this)
  }

  /** Closes those nodes and drops every punctuation schedule. */
  close(): void {
    this.streamTimeSchedules.clear()
    this.wallClockSchedules.clear()
    for (const node of this.nodes()) node.close?.(this)
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new TopologyError(`schedule(): the interval must be a whole number of milliseconds >= 1, got ${String(intervalMs)}`)
    if (typeof punctuator !== 'function') throw new TopologyError('schedule(): expected a punctuator function')
    if (type === 'stream-time') return this.streamTimeSchedules.add(0, intervalMs, punctuator)
    if (type === 'wall-clock-time') return this.wallClockSchedules.add(Date.now() + intervalMs, intervalMs, punctuator)
    throw new TopologyError(`schedule(): the type must be 'stream-time' or 'wall-clock-time', got ${JSON.stringify(type)}`)
  }

  /** When the next wall-clock punctuation is due (epoch ms), or undefined. */
  nextWallClockPunctuation(): number | undefined {
    return this.wallClockSchedules.nextTime()
  }

  /** Runs the wall-clock punctuations due at `now`; returns how many ran. */
  punctuateWallClock(now: number): number {
    return this.punctuate(this.wallClockSchedules, now)
  }

  requestCommit(): void {
    this.env.requestCommit?.()
  }

  private punctuate(queue: PunctuationQueue, time: number): number {
    return queue.punctuate(time, (punctuator, at) => {
      this.timestamp = at
      punctuator(at)
    })
  }

  /** The sub-topology's nodes, each once, from its sources down. */
  private nodes(): Node[] {
    const seen = new Set<Node>()
    const visit = (node: Node) => {
      if (seen.has(node)) return
      seen.add(node)
      for (const child of node.children) visit(child)
    }
    for (const source of this.sub.sources) visit(source)
    return [...seen]
  }

  private read(serde: Serde<unknown>, record: ConsumerRecord<Buffer | null, Buffer | null>, data: Buffer | null, what: string): unknown {
    try {
      const out = serde.deserializer.deserialize(record.topic, data, record.headers)
      return isThenable(out) ? Promise.resolve(out) : out
    } catch (e) {
      this.unreadable(record, e, what)
      return SKIP
    }
  }

  private unreadable(record: ConsumerRecord<Buffer | null, Buffer | null>, e: unknown, what = 'key or value'): void {
    const where = `${record.topic}-${record.partition}@${record.offset}`
    if (!this.env.skipUnreadable) {
      throw new StreamsError(`cannot deserialize the ${what} of record ${where}: ${(e as Error)?.message ?? String(e)} (default.deserialization.exception.handler=logAndFail)`, { cause: e, context: { topic: record.topic, partition: record.partition } })
    }
    this.skipped++
    this.env.log.warn('skipping a record that cannot be deserialized (default.deserialization.exception.handler=logAndContinue)', { record: where, what, error: (e as Error)?.message })
  }

  forward(from: Node, record: StreamRecord<unknown, unknown>): void {
    for (const child of from.children) child.process(record, this)
  }

  store<K, V>(name: string): KeyValueStore<K, V> {
    const store = this.stores.get(name)
    if (!store) throw new TopologyError(`state store "${name}" is not connected to task ${this.id}`)
    return store as unknown as KeyValueStore<K, V>
  }

  send(topic: string, record: StreamRecord<unknown, unknown>, keySerde: Serde<unknown>, valueSerde: Serde<unknown>, partition?: number): void {
    this.env.collector.send(topic, record, keySerde, valueSerde, partition)
  }

  topicName(ref: TopicRef): string {
    return this.env.topicName(ref)
  }

  recordDropped(reason: string, details: Record<string, unknown> = {}): void {
    this.droppedRecords++
    this.env.dropped?.(this.id)
    this.env.log.warn(reason, { task: this.id, topic: this.topic, partition: this.partition, offset: this.offset, ...details })
  }
}

const SKIP = Symbol('skip')
