/**
 * FakeKafka: an in-process Kafka cluster that speaks the wire protocol on
 * local ports, for testing applications without a JVM. Real clients
 * (samsa, KafkaJS, Java's) connect to `await fake.listen()`. See
 * docs/testing-your-app.md for what it implements and how it differs.
 */
import { ErrorCode, type ErrorName } from '../../protocol/errors.js'
import { apisByKey } from '../../protocol/messages/index.js'
import type { Writer } from '../../protocol/writer.js'
import { buildHandlers } from './apis.js'
import { ClusterState, type Topic } from './cluster.js'
import { FakeCoordinators } from './coordinators.js'
import { Faults } from './faults.js'
import { FetchSessionCache } from './fetch-sessions.js'
import { BrokerListener } from './listener.js'

export interface FakeKafkaOptions {
  /** Number of brokers, node ids 1..n. Default 1. */
  brokers?: number
  /** Address to listen on. Default '127.0.0.1'. */
  host?: string
  /** One port per broker; 0 or absent: any free port. */
  ports?: number[]
  /** Create unknown topics on Metadata requests that allow it (Kafka's auto.create.topics.enable). Default true. */
  autoCreateTopics?: boolean
  /** Partitions of auto-created topics and of CreateTopics without a count (num.partitions). Default 1. */
  defaultPartitions?: number
  /**
   * Fetch sessions (KIP-227) each broker keeps at most, as Kafka's
   * max.incremental.fetch.session.cache.slots; the least recently used is
   * evicted for a new one. 0: no sessions (every Fetch is answered in full).
   * Default 1000.
   */
  fetchSessionCacheSlots?: number
  /**
   * Called with a request the fake failed to handle (it then closes that connection, as Kafka does).
   * Default: a process warning (code SAMSA_FAKE_KAFKA) naming the error, so a request the fake cannot
   * answer shows as more than a closed connection.
   */
  onError?: (err: Error) => void
}

export interface FakeTopicOptions {
  partitions?: number
  replicationFactor?: number
  configs?: Record<string, string>
}

/** An API by Kafka's name (`'Produce'`, `'JoinGroup'`) or api key. */
export type FakeApi = string | number

export class FakeKafka {
  private readonly cluster: ClusterState
  private readonly coordinators: FakeCoordinators
  private readonly faults = new Faults()
  private readonly listeners: BrokerListener[] = []
  private listening = false

  constructor (options: FakeKafkaOptions = {}) {
    const brokers = options.brokers ?? 1
    if (!Number.isInteger(brokers) || brokers < 1 || brokers > 64) {
      throw new TypeError(`FakeKafka: brokers must be an integer from 1 to 64, got ${String(options.brokers)}`)
    }
    const defaultPartitions = options.defaultPartitions ?? 1
    if (!Number.isInteger(defaultPartitions) || defaultPartitions < 1) {
      throw new TypeError(`FakeKafka: defaultPartitions must be a positive integer, got ${String(options.defaultPartitions)}`)
    }
    const slots = options.fetchSessionCacheSlots ?? 1000
    if (!Number.isInteger(slots) || slots < 0) {
      throw new TypeError(`FakeKafka: fetchSessionCacheSlots must be an integer >= 0, got ${String(options.fetchSessionCacheSlots)}`)
    }
    if (options.ports !== undefined && options.ports.length !== brokers) {
      throw new TypeError(`FakeKafka: ports must list one port per broker (${brokers}), got ${options.ports.length}`)
    }
    this.cluster = new ClusterState(options.autoCreateTopics ?? true, defaultPartitions)
    this.coordinators = new FakeCoordinators(this.cluster)
    const handlers = buildHandlers()
    for (let i = 0; i < brokers; i++) {
      const state = { nodeId: i + 1, host: options.host ?? '127.0.0.1', port: options.ports?.[i] ?? 0, alive: false, fetchSessions: new FetchSessionCache(slots) }
      this.cluster.brokers.push(state)
      this.listeners.push(new BrokerListener(state, {
        cluster: this.cluster,
        coordinators: this.coordinators,
        faults: this.faults,
        handlers,
        onError: options.onError ?? ((err: Error) => process.emitWarning(`FakeKafka could not answer a request (closing its connection): ${err.message}`, { code: 'SAMSA_FAKE_KAFKA' })),
        unsupportedApiVersions: (w: Writer) => {
          w.int16(ErrorCode.UNSUPPORTED_VERSION)
          const keys = [...handlers.values()].sort((a, b) => a.apiKey - b.apiKey)
          w.int32(keys.length)
          for (const h of keys) w.int16(h.apiKey).int16(h.minVersion).int16(h.maxVersion)
        },
      }))
    }
  }

  /** Starts every broker; resolves to the bootstrap list (`host:port,...`). */
  async listen (): Promise<string> {
    if (!this.listening) {
      this.listening = true
      try {
        await Promise.all(this.listeners.map((l) => l.listen()))
      } catch (err) {
        await this.close()
        throw err
      }
    }
    return this.bootstrap
  }

  /** `host:port` of every broker, comma-separated. */
  get bootstrap (): string {
    return this.cluster.brokers.map((b) => `${b.host}:${b.port}`).join(',')
  }

  /** Node ids of the brokers. */
  get brokerIds (): number[] { return this.cluster.brokers.map((b) => b.nodeId) }

  /** Closes every listener and connection. */
  async close (): Promise<void> {
    this.listening = false
    this.coordinators.close()
    await Promise.all(this.listeners.map((l) => l.close()))
    this.cluster.notify()
  }

  /** Creates a topic directly (no request). */
  createTopic (name: string, options: FakeTopicOptions = {}): void {
    if (this.cluster.topics.has(name)) throw new Error(`FakeKafka: topic ${name} already exists`)
    this.cluster.createTopic(name, options.partitions ?? this.cluster.defaultPartitions,
      options.replicationFactor ?? Math.min(3, this.cluster.brokers.length), new Map(Object.entries(options.configs ?? {})))
  }

  /** Names of the existing topics. */
  topicNames (): string[] { return [...this.cluster.topics.keys()] }

  /** A partition's high watermark (log end offset), or undefined for an unknown partition. */
  highWatermark (topic: string, partition: number): bigint | undefined {
    return this.cluster.partition(topic, partition)?.highWatermark
  }

  /** Answers the next `times` requests of `api` with `error` (e.g. 'NOT_LEADER_OR_FOLLOWER') everywhere it can be reported. */
  failNext (api: FakeApi, error: ErrorName | number, times = 1, options: { broker?: number } = {}): void {
    const errorCode = typeof error === 'number' ? error : ErrorCode[error]
    if (errorCode === undefined) throw new TypeError(`FakeKafka.failNext: unknown error ${String(error)}: expected an ErrorCode name such as 'NOT_LEADER_OR_FOLLOWER'`)
    this.faults.add(this.apiKey(api), { kind: 'fail', errorCode }, times, options.broker)
  }

  /** Delays the responses to the next `times` requests of `api` by `ms`. */
  delay (api: FakeApi, ms: number, times = 1, options: { broker?: number } = {}): void {
    this.faults.add(this.apiKey(api), { kind: 'delay', ms }, times, options.broker)
  }

  /** Closes the connection that sends the next (`times`) request of `api`, without answering. */
  dropNext (api: FakeApi, times = 1, options: { broker?: number } = {}): void {
    this.faults.add(this.apiKey(api), { kind: 'drop' }, times, options.broker)
  }

  /** Closes every client connection (of one broker, or of all). */
  dropConnections (broker?: number): void {
    for (const l of this.listeners) if (broker === undefined || l.state.nodeId === broker) l.dropConnections()
  }

  /** Forgets every pending failNext / delay / dropNext. */
  clearFaults (): void { this.faults.clear() }

  /** Makes `broker` (default: the next replica or broker) the leader of a partition; bumps its leader epoch. */
  moveLeader (topic: string, partition: number, broker?: number): number {
    const log = this.cluster.partition(topic, partition)
    if (log === undefined) throw new Error(`FakeKafka.moveLeader: no partition ${topic}-${partition}`)
    const ids = this.cluster.brokers.map((b) => b.nodeId)
    const target = broker ?? ids[(ids.indexOf(log.leader) + 1) % ids.length]!
    if (!ids.includes(target)) throw new Error(`FakeKafka.moveLeader: no broker ${target} (brokers: ${ids.join(', ')})`)
    if (!log.replicas.includes(target)) log.replicas = [target, ...log.replicas.slice(0, Math.max(0, log.replicas.length - 1))]
    log.leader = target
    log.leaderEpoch++
    this.cluster.notify()
    return target
  }

  /** Stops a broker: its port closes, its connections drop, its partitions move to live replicas. */
  async killBroker (broker: number): Promise<void> {
    const l = this.listener(broker)
    await l.close()
    l.state.fetchSessions.clear()
    this.cluster.failOver(broker)
    this.cluster.notify()
  }

  /** Starts a killed broker again on the same port. */
  async reviveBroker (broker: number): Promise<void> {
    const l = this.listener(broker)
    if (!l.state.alive) await l.listen()
  }

  /** Makes `broker` the coordinator of a group or transactional id. */
  moveCoordinator (key: string, broker: number): void {
    this.listener(broker)
    this.coordinators.pin(key, broker)
  }

  /** The fetch sessions a broker holds: id, the epoch it expects next, and its partitions (`topic-partition`). */
  fetchSessions (broker: number): Array<{ id: number, epoch: number, partitions: string[] }> {
    return this.listener(broker).state.fetchSessions.list().map((s) => ({
      id: s.id,
      epoch: s.epoch,
      partitions: [...s.partitions.values()].map((p) => `${p.topic}-${p.partition}`),
    }))
  }

  /** The topic as stored (for assertions in the fake's own tests). */
  topic (name: string): Topic | undefined { return this.cluster.topics.get(name) }

  private listener (broker: number): BrokerListener {
    const l = this.listeners.find((x) => x.state.nodeId === broker)
    if (l === undefined) throw new Error(`FakeKafka: no broker ${broker} (brokers: ${this.brokerIds.join(', ')})`)
    return l
  }

  private apiKey (api: FakeApi): number {
    if (typeof api === 'number') return api
    for (const d of apisByKey.values()) if (d.name === api) return d.apiKey
    throw new TypeError(`FakeKafka: unknown API ${api}: expected Kafka's name such as 'Produce' or 'JoinGroup', or an api key`)
  }
}
