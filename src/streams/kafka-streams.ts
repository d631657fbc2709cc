/**
 * KafkaStreams: runs a topology on samsa's Consumer and Producer.
 *
 * - The consumer group is `application.id`; the range assignor keeps the same
 *   partition number of every source topic on one instance (co-partitioning),
 *   and each assigned partition gets a task (sub-topology × partition).
 * - One loop: poll, run each record through its task (outputs, repartition
 *   and changelog writes go to the one producer), commit every
 *   `commit.interval.ms`, on rebalance and on close.
 * - at_least_once: a commit flushes the producer (every output acknowledged),
 *   then commits the input offsets. exactly_once_v2: the outputs, changelog
 *   writes and input offsets of one interval are one transaction
 *   (`sendOffsetsToTransaction` with the consumer's group metadata), and the
 *   consumers read committed data only.
 * - On assignment, stores are restored from their changelogs before the
 *   first record is processed; on revocation the tasks commit and close.
 *   The rebalance callbacks may run in the background while the loop
 *   processes a batch (a rebalance outlasting one poll): they and the loop's
 *   processing and commits take turns (one at a time), records of a task
 *   created after their poll returned are dropped (the new task's partition
 *   starts again from the committed offset), and a callback that fails
 *   stops the application (the consumer only logs what a listener throws).
 */
import { randomUUID } from 'node:crypto'
import { Admin } from '../admin/admin.js'
import { parseConfig } from '../config/validate.js'
import { CLIENT_PREFIXES, streamsSchema, type StreamsConfig, type StreamsConfigInput } from '../config/streams.js'
import { commonShape } from '../config/common.js'
import { Consumer } from '../consumer/consumer.js'
import { KafkaError, WakeupError } from '../errors.js'
import { Log } from '../logger.js'
import { Producer } from '../producer/producer.js'
import type { TopicPartition, TopicPartitionOffset } from '../types.js'
import { RecordCollector, type RawProducer } from './collector.js'
import { StreamsError, TopologyError } from './errors.js'
import { ensureTopics, repartitionTopic } from './internal-topics.js'
import type { TopicRef } from './processor.js'
import { restoreStores, type RestoreTarget } from './restore.js'
import { StreamsMetrics } from './metrics.js'
import { QueryableStoreTypes, type QueryableStoreType } from './queryable.js'
import { changelogTopic, type ReadOnlyKeyValueStore } from './store.js'
import type { ClientMetrics } from '../metrics/index.js'
import { StreamTask } from './task.js'
import type { SubTopology, Topology } from './topology.js'

/** Kafka Streams' states: CREATED → REBALANCING ⇄ RUNNING → PENDING_SHUTDOWN → NOT_RUNNING, or → ERROR. */
export type StreamsState = 'CREATED' | 'REBALANCING' | 'RUNNING' | 'PENDING_SHUTDOWN' | 'NOT_RUNNING' | 'PENDING_ERROR' | 'ERROR'

export interface StreamsCloseOptions {
  /** Upper bound for the final commit and the clients' close. Default 30000. */
  timeoutMs?: number
}

type RawConsumer = Consumer<Buffer | null, Buffer | null>
const tpKey = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`

export class KafkaStreams {
  readonly config: StreamsConfig
  private readonly log: Log
  private readonly eos: boolean
  private readonly commitIntervalMs: number
  private readonly clientConfigs: { consumer: Record<string, unknown>; producer: Record<string, unknown>; admin: Record<string, unknown> }
  private currentState: StreamsState = 'CREATED'
  private readonly stateListeners: ((next: StreamsState, previous: StreamsState) => void)[] = []
  private readonly errorHandlers: ((error: KafkaError) => void)[] = []
  private readonly tasks = new Map<string, StreamTask>()
  /** Topic → its sub-topology. */
  private readonly subOfTopic = new Map<string, SubTopology>()
  /** Input offsets processed since the last commit (next offset to read). */
  private readonly processed = new Map<string, TopicPartitionOffset>()
  private consumer: RawConsumer | undefined
  private restoreConsumer: RawConsumer | undefined
  /** Creates the internal topics; tells restoration where the changelogs end. */
  private admin: Admin | undefined
  private producer: RawProducer | undefined
  private collector: RecordCollector | undefined
  private inTransaction = false
  private stopping = false
  private loop: Promise<void> | undefined
  private nextCommit = 0
  /** The loop's processing and commits, and the rebalance callbacks, run one at a time through this chain. */
  private turn: Promise<void> = Promise.resolve()
  /** Counts task creations; `born` says when the task of an input partition was created. */
  private taskSerial = 0
  private readonly born = new Map<string, number>()
  /** The first error a rebalance callback met; the loop throws it. */
  private callbackFailure: unknown
  private readonly streamsMetrics: StreamsMetrics

  constructor(readonly topology: Topology, config: StreamsConfigInput) {
    if (!topology || typeof topology.subTopologies !== 'function') throw new TopologyError('new KafkaStreams(topology, config): expected the topology of builder.build()')
    const input = (config ?? {}) as Record<string, unknown>
    const own: Record<string, unknown> = {}
    const prefixed: Record<(typeof CLIENT_PREFIXES)[number], Record<string, unknown>> = { 'consumer.': {}, 'producer.': {}, 'admin.': {} }
    for (const [k, v] of Object.entries(input)) {
      const prefix = CLIENT_PREFIXES.find((p) => k.startsWith(p))
      if (prefix) prefixed[prefix][k.slice(prefix.length)] = v
      else own[k] = v
    }
    this.config = parseConfig(streamsSchema, own, 'streams')
    this.log = Log.forClient(this.config, 'samsa').child('streams')
    this.eos = this.config['processing.guarantee'] === 'exactly_once_v2'
    this.commitIntervalMs = this.config['commit.interval.ms'] >= 0 ? this.config['commit.interval.ms'] : this.eos ? 100 : 30000
    const common: Record<string, unknown> = {}
    for (const k of Object.keys(commonShape)) if (k in own) common[k] = own[k]
    const appId = this.config['application.id']
    this.clientConfigs = {
      consumer: {
        ...common,
        'client.id': `${String(common['client.id'] ?? appId)}-consumer`,
        'auto.offset.reset': 'earliest',
        'max.poll.records': 1000,
        ...prefixed['consumer.'],
        'group.id': appId,
        'enable.auto.commit': false,
        'partition.assignment.strategy': 'range',
        ...(this.eos ? { 'isolation.level': 'read_committed' } : {}),
      },
      producer: {
        ...common,
        'client.id': `${String(common['client.id'] ?? appId)}-producer`,
        ...(this.eos ? { 'transaction.timeout.ms': 10000 } : {}),
        ...prefixed['producer.'],
        ...(this.eos ? { 'transactional.id': prefixed['producer.']['transactional.id'] ?? `${appId}-${randomUUID()}` } : {}),
      },
      admin: { ...common, 'client.id': `${String(common['client.id'] ?? appId)}-admin`, ...prefixed['admin.'] },
    }
    for (const sub of topology.subTopologies()) for (const s of sub.sources) this.subOfTopic.set(this.topicName(s.topic), sub)
    this.streamsMetrics = new StreamsMetrics({ windowMs: this.config['metrics.sample.window.ms'], samples: this.config['metrics.num.samples'] }, `${String(common['client.id'] ?? appId)}-StreamThread-1`)
  }

  /** Kafka Streams' task metrics (`dropped-records-total` / `-rate`, per `task-id`). */
  metrics(): ClientMetrics {
    return this.streamsMetrics.view()
  }

  /** The current state. */
  get state(): StreamsState {
    return this.currentState
  }

  /** Called on every state change (Kafka Streams' `setStateListener`). */
  onStateChange(listener: (next: StreamsState, previous: StreamsState) => void): void {
    this.stateListeners.push(listener)
  }

  /** Called once when processing fails for good (state ERROR); the application has then stopped. */
  onError(handler: (error: KafkaError) => void): void {
    this.errorHandlers.push(handler)
  }

  /**
   * Checks the source topics, creates the internal ones, then starts
   * processing in the background. Rejects (state ERROR) when a source topic
   * is missing or the cluster cannot be reached.
   */
  async start(): Promise<void> {
    if (this.currentState !== 'CREATED') throw new StreamsError(`start(): the application is ${this.currentState}; a KafkaStreams instance starts once`)
    this.setState('REBALANCING')
    const admin = new Admin(this.clientConfigs.admin as ConstructorParameters<typeof Admin>[0])
    this.admin = admin
    try {
      await ensureTopics(admin, this.topology, { applicationId: this.config['application.id'], replicationFactor: this.config['replication.factor'] })
      this.consumer = new Consumer(this.clientConfigs.consumer as never) as RawConsumer
      const { 'group.id': _group, ...restoreConfig } = this.clientConfigs.consumer
      this.restoreConsumer = new Consumer({ ...restoreConfig, 'client.id': `${String(restoreConfig['client.id'])}-restore` } as never) as RawConsumer
      this.producer = new Producer(this.clientConfigs.producer as never) as RawProducer
      this.collector = new RecordCollector(this.producer, !this.eos && this.config['default.production.exception.handler'] === 'continue', this.log)
      if (this.eos) await this.producer.initTransactions()
    } catch (e) {
      await this.closeClients(5000)
      this.fail(e)
      throw e
    }
    this.consumer.subscribe([...this.subOfTopic.keys()], {
      onPartitionsRevoked: (tps) => this.revoked(tps),
      onPartitionsAssigned: (tps) => this.assigned(tps),
      onPartitionsLost: (tps) => this.lost(tps),
    })
    this.nextCommit = Date.now() + this.commitIntervalMs
    this.loop = this.run()
  }

  /**
   * The local partitions of a state store (interactive queries): a key-value
   * store, or with `QueryableStoreTypes.windowStore()` / `sessionStore()` a
   * windowed one; throws for an unknown store or a store of another kind.
   */
  store<K, V>(name: string): ReadOnlyKeyValueStore<K, V>
  store<S>(name: string, type: QueryableStoreType<S>): S
  store(name: string, type: QueryableStoreType<unknown> = QueryableStoreTypes.keyValueStore()): unknown {
    const def = this.topology.stores.get(name)
    if (!def) {
      throw new TopologyError(`store("${name}"): no such state store; the topology has ${[...this.topology.stores.keys()].map((n) => `"${n}"`).join(', ') || 'none'}`)
    }
    const kind = def.kind ?? 'keyValue'
    if (kind !== type.kind) throw new TopologyError(`store("${name}"): it is a ${kind} store; pass QueryableStoreTypes.${kind}Store() to query it`)
    return type.view(() => [...new Set(this.tasks.values())].flatMap((t) => { // a task of several source partitions is listed once
      const s = t.stores.get(name)
      return s ? [s] : []
    }))
  }

  /** Stops processing, commits what was processed, leaves the group and closes every client. */
  async close(options: StreamsCloseOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 30000
    if (this.currentState === 'NOT_RUNNING' || this.currentState === 'ERROR') return
    if (this.currentState === 'CREATED') {
      this.setState('NOT_RUNNING')
      return
    }
    if (this.currentState !== 'PENDING_SHUTDOWN') this.setState('PENDING_SHUTDOWN')
    this.stopping = true
    this.consumer?.wakeup()
    await this.loop
    await this.closeClients(timeoutMs)
    if (this.currentState === 'PENDING_SHUTDOWN') this.setState('NOT_RUNNING')
  }

  private async run(): Promise<void> {
    const consumer = this.consumer!
    try {
      while (!this.stopping) {
        let records: Awaited<ReturnType<RawConsumer['poll']>>
        try {
          records = await consumer.poll(this.pollTimeout())
        } catch (e) {
          this.throwCallbackFailure()
          if (e instanceof WakeupError && this.stopping) break
          throw e
        }
        // Records of a partition come only once its onPartitionsAssigned finished, so a task created
        // after this point (a rebalance running while this batch waits for its turn) did not exist
        // when they were collected: they belong to the partition's previous assignment.
        const polledAt = this.taskSerial
        await this.exclusive(async () => {
          this.throwCallbackFailure()
          if (!records.isEmpty) await this.process(records, polledAt)
          this.punctuateWallClock()
          this.collector!.check()
          if (Date.now() >= this.nextCommit) await this.commit()
        })
      }
      await this.exclusive(async () => {
        this.throwCallbackFailure()
        await this.commit()
      })
    } catch (e) {
      await this.abortQuietly()
      this.fail(e)
      await this.closeClients(5000)
    }
  }

  /** Runs each record through its task; records of a task created after their poll returned (`polledAt`) are dropped. */
  private async process(records: Awaited<ReturnType<RawConsumer['poll']>>, polledAt: number): Promise<void> {
    if (this.eos && !this.inTransaction) {
      this.producer!.beginTransaction()
      this.inTransaction = true
    }
    for (const record of records) {
      const key = tpKey(record)
      const task = this.tasks.get(key)
      // A task is restored and initialized within its onPartitionsAssigned turn, which this batch's turn
      // never overlaps; the consumer returns no record of a partition while that callback runs.
      if (!task || this.born.get(key)! > polledAt) continue
      const step = task.process(record)
      if (step) await step
      this.processed.set(key, { topic: record.topic, partition: record.partition, offset: record.offset + 1n })
    }
  }

  /** Runs `fn` when nothing else holds the turn (the loop's batch and commit, or a rebalance callback). */
  private exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.turn.then(fn)
    this.turn = run.catch(() => undefined)
    return run
  }

  /** A rebalance callback's body: runs in turn; an error is kept for the loop to throw. */
  private callback(what: string, fn: () => Promise<void>): Promise<void> {
    return this.exclusive(fn).catch((e: unknown) => {
      this.log.error(`${what} failed; the application stops`, { error: (e as Error)?.message })
      this.callbackFailure ??= e
      this.consumer?.wakeup()
    })
  }

  private throwCallbackFailure(): void {
    if (this.callbackFailure !== undefined) throw this.callbackFailure
  }

  /** How long a poll may wait: `poll.ms`, shorter when a wall-clock punctuation is due sooner. */
  private pollTimeout(): number {
    let wait = this.config['poll.ms']
    const now = Date.now()
    for (const task of new Set(this.tasks.values())) {
      const due = task.nextWallClockPunctuation()
      if (due !== undefined) wait = Math.min(wait, Math.max(0, due - now))
    }
    return wait
  }

  /** Runs the wall-clock punctuations that are due (under exactly_once_v2 inside the open transaction). */
  private punctuateWallClock(): void {
    const now = Date.now()
    for (const task of new Set(this.tasks.values())) {
      const due = task.nextWallClockPunctuation()
      if (due === undefined || due > now) continue
      if (this.eos && !this.inTransaction) {
        this.producer!.beginTransaction()
        this.inTransaction = true
      }
      task.punctuateWallClock(now)
    }
  }

  /** Commits what was processed: flush then offsets (at_least_once), or the transaction (exactly_once_v2). */
  private async commit(): Promise<void> {
    this.nextCommit = Date.now() + this.commitIntervalMs
    const offsets = [...this.processed.values()]
    if (this.eos) {
      if (!this.inTransaction) return
      await this.collector!.flush()
      if (offsets.length > 0) await this.producer!.sendOffsetsToTransaction(offsets, this.consumer!.groupMetadata())
      await this.producer!.commitTransaction()
      this.inTransaction = false
    } else {
      await this.collector!.flush()
      if (offsets.length > 0) await this.consumer!.commitSync(offsets)
    }
    this.processed.clear()
  }

  private revoked(tps: TopicPartition[]): Promise<void> {
    return this.callback('committing on revocation', async () => {
      if (this.currentState === 'RUNNING') this.setState('REBALANCING')
      if (this.currentState === 'ERROR' || this.currentState === 'PENDING_ERROR' || this.callbackFailure !== undefined) return
      await this.commit()
      this.dropTasks(tps)
    })
  }

  private lost(tps: TopicPartition[]): Promise<void> {
    return this.callback('closing lost tasks', async () => {
      if (this.currentState === 'RUNNING') this.setState('REBALANCING')
      await this.abortQuietly()
      for (const tp of tps) this.processed.delete(tpKey(tp))
      this.dropTasks(tps)
    })
  }

  private assigned(tps: TopicPartition[]): Promise<void> {
    return this.callback('restoring the assigned tasks', () => this.createTasks(tps))
  }

  /** Creates the tasks of newly assigned partitions and restores their stores. */
  private async createTasks(tps: TopicPartition[]): Promise<void> {
    if (this.callbackFailure !== undefined) return
    const targets: RestoreTarget[] = []
    const created: StreamTask[] = []
    for (const tp of tps) {
      const key = tpKey(tp)
      if (this.tasks.has(key)) continue
      this.born.set(key, ++this.taskSerial)
      const sub = this.subOfTopic.get(tp.topic)
      if (!sub) continue
      const task = new StreamTask(`${sub.id}_${tp.partition}`, sub, tp.partition, {
        applicationId: this.config['application.id'],
        collector: this.collector!,
        log: this.log,
        dropped: (taskId) => this.streamsMetrics.droppedRecord(taskId),
        skipUnreadable: this.config['default.deserialization.exception.handler'] === 'logAndContinue',
        topicName: (ref) => this.topicName(ref),
        requestCommit: () => {
          this.nextCommit = 0
        },
      })
      // Tasks of one sub-topology and partition share stores: the first source partition's task holds them.
      const sibling = [...this.tasks.values()].find((t) => t.id === task.id)
      if (sibling) {
        this.tasks.set(key, sibling)
        continue
      }
      this.tasks.set(key, task)
      created.push(task)
      for (const [name, store] of task.stores) targets.push({ tp: { topic: changelogTopic(this.config['application.id'], name), partition: tp.partition }, store })
    }
    const logEnds = (tps: TopicPartition[]) => this.admin!.listOffsets(tps.map((tp) => ({ ...tp, timestamp: 'latest' as const })), { isolationLevel: 'read_uncommitted' })
    await restoreStores(this.restoreConsumer!, logEnds, targets, this.log, () => this.stopping)
    for (const task of created) task.init()
    if (this.currentState === 'REBALANCING') this.setState('RUNNING')
  }

  private dropTasks(tps: TopicPartition[]): void {
    const before = new Set(this.tasks.values())
    for (const tp of tps) {
      this.tasks.delete(tpKey(tp))
      this.born.delete(tpKey(tp))
    }
    const left = new Set(this.tasks.values())
    for (const task of before) if (!left.has(task)) this.closeTask(task)
  }

  private closeTask(task: StreamTask): void {
    try {
      task.close()
    } catch (e) {
      this.log.warn('closing a task failed', { task: task.id, error: (e as Error)?.message })
    }
  }

  private topicName(ref: TopicRef): string {
    return ref.internal ? repartitionTopic(this.config['application.id'], ref.name) : ref.name
  }

  private async abortQuietly(): Promise<void> {
    if (!this.eos || !this.inTransaction) return
    this.inTransaction = false
    await this.producer?.abortTransaction().catch((e: unknown) => this.log.warn('aborting the transaction failed', { error: (e as Error)?.message }))
  }

  private fail(e: unknown): void {
    const error = e instanceof KafkaError ? e : new StreamsError(`processing failed: ${(e as Error)?.message ?? String(e)}`, { cause: e })
    this.log.error('the application stops after an error', { error: error.message })
    this.stopping = true
    this.setState('PENDING_ERROR')
    this.setState('ERROR')
    for (const handler of this.errorHandlers) {
      try {
        handler(error)
      } catch (handlerError) {
        this.log.warn('an onError handler threw', { error: (handlerError as Error)?.message })
      }
    }
  }

  private async closeClients(timeoutMs: number): Promise<void> {
    const [consumer, restore, producer, admin] = [this.consumer, this.restoreConsumer, this.producer, this.admin]
    this.consumer = this.restoreConsumer = this.producer = undefined
    this.admin = undefined
    for (const task of new Set(this.tasks.values())) this.closeTask(task)
    this.tasks.clear()
    const quietly = (what: string) => (e: unknown) => this.log.warn(`closing the ${what} failed`, { error: (e as Error)?.message })
    await Promise.all([
      consumer?.close({ timeoutMs }).catch(quietly('consumer')),
      restore?.close({ timeoutMs }).catch(quietly('restore consumer')),
      producer?.close({ timeoutMs }).catch(quietly('producer')),
      admin?.close().catch(quietly('admin')),
    ])
  }

  private setState(next: StreamsState): void {
    const previous = this.currentState
    if (previous === next) return
    this.currentState = next
    this.log.info('state change', { from: previous, to: next })
    for (const listener of this.stateListeners) {
      try {
        listener(next, previous)
      } catch (e) {
        this.log.warn('a state listener threw', { error: (e as Error)?.message })
      }
    }
  }
}
