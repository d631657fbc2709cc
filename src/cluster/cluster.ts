/**
 * Cluster: what every client (producer, consumer, admin) shares about one
 * Kafka cluster — the connection pool, the metadata cache and the coordinator
 * cache — and the ways to reach a broker.
 *
 * Contract:
 * - `refreshMetadata()` asks any reachable broker (the least loaded open
 *   connection, else known brokers, then `bootstrap.servers`) and replaces
 *   the snapshot. A broker address it did not know (every address at the
 *   start, a broker that moved) is taken only when a second answer, asked
 *   for at once, repeats it; an implausible one fails the answer (both
 *   against corrupt responses, see addresses.ts). Concurrent refreshes are
 *   coalesced. When nothing can be reached it fails with a `ConnectionError`
 *   listing every address tried and why.
 * - Topics named through `watch()` are kept fresh: every
 *   `metadata.max.age.ms`, and whenever a caller reports a stale leader via
 *   `requestRefresh()`.
 * - `close()` closes every socket and timer; later calls fail.
 *
 * Which broker a request goes to, and how it is retried, is router.ts's job;
 * this class only holds the caches and connections it works with.
 */
import { ConnectionError, KafkaError, brokerError } from '../errors.js'
import type { CommonConfig } from '../config/common.js'
import { Log } from '../logger.js'
import type { ApiDescriptor } from '../protocol/api.js'
import { MetadataApi } from '../protocol/messages/metadata.js'
import type { Connection, RequestOptions } from '../network/connection.js'
import { saslAuthenticator } from '../network/sasl/index.js'
import { tlsOptions } from '../network/tls.js'
import { BrokerPool, type BrokerAddress } from './brokers.js'
import { addressOf, unconfirmedAddresses } from './addresses.js'
import { corruptMetadata, EMPTY_SNAPSHOT, snapshotFrom, type BrokerInfo, type PartitionMetadata, type Snapshot, type TopicInfo } from './metadata.js'
import { retry } from './retry.js'
import { ErrorCode } from '../protocol/errors.js'
import { findCoordinator, type CoordinatorType } from './coordinator.js'
import { Metrics } from '../metrics/registry.js'
import { NetworkMetrics } from '../metrics/network.js'
import { observeMetrics, type OtelMeter } from '../metrics/opentelemetry.js'
import { loadOptional } from '../protocol/records/optional.js'

export type { CoordinatorType }

export class Cluster {
  readonly config: CommonConfig
  readonly pool: BrokerPool
  private snap: Snapshot = EMPTY_SNAPSHOT
  private refreshing: Promise<Snapshot> | undefined
  private queued: Promise<Snapshot> | undefined
  private readonly watched = new Set<string>()
  private watchAll = false
  private refreshTimer: NodeJS.Timeout | undefined
  private readonly coordinators = new Map<string, BrokerInfo>()
  private closed = false
  /** The client's root logger (namespace `samsa`): the `logger` option or the debug package, secrets scrubbed. */
  readonly log: Log
  private readonly clusterLog: Log
  /** The client's metrics (Java's names; the group prefix is the client's kind). */
  readonly metrics: Metrics
  /** Connection metrics; its `listeners` hear the same connection events. */
  readonly network: NetworkMetrics
  /** Ends the OpenTelemetry export of the metrics (`opentelemetry.metrics`), when on. */
  private readonly unobserve: (() => void) | undefined

  /** `metricsPrefix`: Java's metric group prefix: producer, consumer, admin-client. */
  constructor(config: CommonConfig, metricsPrefix = 'admin-client') {
    this.config = config
    this.log = Log.forClient(config)
    this.clusterLog = this.log.child('cluster')
    this.metrics = new Metrics({ windowMs: config['metrics.sample.window.ms'], samples: config['metrics.num.samples'] })
    this.network = new NetworkMetrics(this.metrics, metricsPrefix, config['client.id'])
    this.pool = new BrokerPool({
      log: this.log,
      clientId: config['client.id'],
      requestTimeoutMs: config['request.timeout.ms'],
      connectTimeoutMs: config['socket.connection.setup.timeout.ms'],
      maxResponseSize: config['max.response.size'],
      reconnectBackoffMs: config['reconnect.backoff.ms'],
      reconnectBackoffMaxMs: config['reconnect.backoff.max.ms'],
      connectionsMaxIdleMs: config['connections.max.idle.ms'],
      tls: tlsOptions(config),
      authenticate: saslAuthenticator(config),
      observer: this.network,
    })
    this.unobserve = exportMetrics(config, this.metrics)
  }

  get snapshot(): Snapshot {
    return this.snap
  }

  get backoff() {
    return { backoffMs: this.config['retry.backoff.ms'], backoffMaxMs: this.config['retry.backoff.max.ms'] }
  }

  /** Keeps these topics' metadata fresh from now on. */
  watch(topics: Iterable<string>): void {
    for (const t of topics) this.watched.add(t)
    this.startRefreshTimer()
  }

  unwatch(topics: Iterable<string>): void {
    for (const t of topics) this.watched.delete(t)
  }

  /** Keeps every topic's metadata fresh (regex subscriptions, admin). */
  watchAllTopics(on = true): void {
    this.watchAll = on
    if (on) this.startRefreshTimer()
  }

  private startRefreshTimer(): void {
    if (this.refreshTimer || this.closed) return
    this.refreshTimer = setInterval(() => {
      if (Date.now() - this.snap.updatedAt >= this.config['metadata.max.age.ms'] * 0.9) {
        this.refreshMetadata().catch((e) => this.clusterLog.debug(`periodic metadata refresh failed: ${(e as Error).message}`))
      }
    }, Math.max(1000, Math.min(this.config['metadata.max.age.ms'], 60000)))
    this.refreshTimer.unref()
  }

  /**
   * Fetches metadata for the watched topics plus `topics` (or every topic
   * when watching all, or when `topics` is null). Resolves to the new snapshot.
   */
  refreshMetadata(topics: string[] | null = []): Promise<Snapshot> {
    if (topics !== null) for (const t of topics) this.watched.add(t)
    else this.watchAll = true
    if (!this.refreshing) return this.startRefresh()
    // The refresh in flight may have been sent before this caller's topics
    // were added: every caller meanwhile shares one more refresh after it.
    if (!this.queued) {
      this.queued = this.refreshing
        .catch(() => undefined)
        .then(() => {
          this.queued = undefined
          return this.startRefresh()
        })
    }
    return this.queued
  }

  private startRefresh(): Promise<Snapshot> {
    const p = this.doRefresh().finally(() => {
      if (this.refreshing === p) this.refreshing = undefined
    })
    this.refreshing = p
    return p
  }

  /** Asks for a refresh soon (a caller saw NOT_LEADER or similar); errors are logged. */
  requestRefresh(): void {
    this.refreshMetadata().catch((e) => this.clusterLog.debug(`metadata refresh failed: ${(e as Error).message}`))
  }

  private async doRefresh(): Promise<Snapshot> {
    const all = this.watchAll
    const names = [...this.watched]
    const ask = async (): Promise<Snapshot> => snapshotFrom(await this.sendAny(MetadataApi, {
      topics: all ? null : names.map((name) => ({ name })),
      allowAutoTopicCreation: this.config['allow.auto.create.topics'],
      includeTopicAuthorizedOperations: false,
    }), this.snap, !all)
    // A broker address not known before is believed when the next answer repeats it (addresses.ts).
    let answer = await ask()
    for (let round = 1; ; round++) {
      const unconfirmed = unconfirmedAddresses(this.snap.brokers, answer.brokers)
      if (unconfirmed.length === 0) break
      const again = await ask()
      const differs = [...new Set([...unconfirmed, ...unconfirmedAddresses(this.snap.brokers, again.brokers)])]
        .find((id) => !sameAddress(answer.brokers.get(id), again.brokers.get(id)))
      answer = again
      if (differs === undefined) break
      if (round === ADDRESS_ROUNDS) throw corruptMetadata(`${ADDRESS_ROUNDS + 1} answers in a row disagree on the address of broker ${differs}`)
    }
    this.snap = answer
    this.clusterLog.debug(`metadata: ${this.snap.brokers.size} brokers, ${this.snap.topics.size} topics, controller ${this.snap.controllerId}`)
    return this.snap
  }

  topic(name: string): TopicInfo | undefined {
    return this.snap.topics.get(name)
  }

  partition(topic: string, partition: number): PartitionMetadata | undefined {
    return this.snap.topics.get(topic)?.partitions[partition]
  }

  broker(nodeId: number): BrokerInfo | undefined {
    return this.snap.brokers.get(nodeId)
  }

  /**
   * The topic's metadata, refreshing until it has a leader for every partition
   * or the deadline passes. Unknown topics fail with UNKNOWN_TOPIC_OR_PARTITION
   * at the deadline (they may be being created meanwhile).
   */
  async topicMetadata(name: string, deadline: number): Promise<TopicInfo> {
    return retry(
      `metadata for topic "${name}"`,
      async (attempt) => {
        let t = this.snap.topics.get(name)
        if (!t || attempt > 0 || t.errorCode !== ErrorCode.NONE) {
          await this.refreshMetadata([name])
          t = this.snap.topics.get(name)
        }
        if (!t) throw brokerError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { topic: name })
        if (t.errorCode !== ErrorCode.NONE) throw brokerError(t.errorCode, { topic: name })
        if (t.partitions.length === 0) throw brokerError(ErrorCode.LEADER_NOT_AVAILABLE, { topic: name })
        return t
      },
      { ...this.backoff, deadline },
    )
  }

  /** A connection to broker `nodeId`, refreshing metadata once if the broker is unknown. */
  async connectionTo(nodeId: number, purpose = 'default'): Promise<Connection> {
    let b = this.snap.brokers.get(nodeId)
    if (!b) {
      await this.refreshMetadata()
      b = this.snap.brokers.get(nodeId)
      if (!b) {
        throw new ConnectionError(`broker ${nodeId} is not in the cluster metadata`, { context: { nodeId } })
      }
    }
    return this.pool.get(b, purpose)
  }

  /** Sends to broker `nodeId`. */
  async send<Req, Res>(nodeId: number, api: ApiDescriptor<Req, Res>, body: Req, options?: RequestOptions, purpose?: string): Promise<Res> {
    const conn = await this.connectionTo(nodeId, purpose)
    return conn.request(api, body, options)
  }

  /**
   * A connection to any broker, the least loaded first: of the connections
   * already open and ready, the one with the fewest requests in flight (as
   * Java's leastLoadedNode); when none is open, known brokers in random
   * order, then the bootstrap addresses. Fails with the list of addresses
   * tried.
   */
  async anyConnection(purpose = 'default'): Promise<Connection> {
    if (this.closed) throw new ConnectionError('client is closed', { retriable: false })
    const known = shuffle([...this.snap.brokers.values()])
    const bootstrap = this.config['bootstrap.servers'].map((a) => ({ nodeId: -1, host: a.host, port: a.port }))
    const candidates: BrokerAddress[] = [...known, ...bootstrap.filter((b) => !known.some((k) => k.host === b.host && k.port === b.port))]
    let least: Connection | undefined
    for (const b of candidates) {
      const conn = this.pool.ready(b, purpose)
      if (conn !== undefined && (least === undefined || conn.inFlight < least.inFlight)) least = conn
    }
    if (least !== undefined) return least
    const failures: string[] = []
    for (const b of candidates) {
      try {
        return await this.pool.get(b, purpose)
      } catch (e) {
        if (e instanceof KafkaError && !e.retriable) throw e
        failures.push(`${b.host}:${b.port} (${(e as Error).message})`)
      }
    }
    throw new ConnectionError(`cannot reach any broker; tried ${failures.join(', ')}`, {
      context: { tried: candidates.map((b) => `${b.host}:${b.port}`) },
    })
  }

  /** Sends to any broker (metadata, admin requests that any broker forwards). */
  async sendAny<Req, Res>(api: ApiDescriptor<Req, Res>, body: Req, options?: RequestOptions): Promise<Res> {
    const conn = await this.anyConnection()
    return conn.request(api, body, options)
  }

  /** The broker the latest metadata names as controller (KRaft: a broker that forwards to the quorum). */
  async controller(): Promise<BrokerInfo> {
    if (this.snap.controllerId < 0 || !this.snap.brokers.has(this.snap.controllerId)) await this.refreshMetadata()
    const c = this.snap.brokers.get(this.snap.controllerId) ?? [...this.snap.brokers.values()][0]
    if (!c) throw new ConnectionError('metadata names no brokers')
    return c
  }

  /**
   * The coordinator broker for a group, transactional id or share key
   * (FindCoordinator, see coordinator.ts), cached until
   * `invalidateCoordinator`. Retriable errors (COORDINATOR_NOT_AVAILABLE
   * while the coordinator loads) are retried until the deadline.
   */
  async coordinator(type: CoordinatorType, key: string, deadline: number): Promise<BrokerInfo> {
    const cacheKey = `${type}:${key}`
    const cached = this.coordinators.get(cacheKey)
    if (cached) return cached
    const broker = await findCoordinator(this, type, key, deadline)
    this.coordinators.set(cacheKey, broker)
    return broker
  }

  invalidateCoordinator(type: CoordinatorType, key: string): void {
    this.coordinators.delete(`${type}:${key}`)
  }

  close(): void {
    this.closed = true
    if (this.refreshTimer) clearInterval(this.refreshTimer)
    this.refreshTimer = undefined
    this.pool.close()
    this.unobserve?.()
  }
}

/** `opentelemetry.metrics` / `opentelemetry.meter.provider`: the metrics exported as OpenTelemetry instruments. */
function exportMetrics(config: CommonConfig, metrics: Metrics): (() => void) | undefined {
  const given = config['opentelemetry.meter.provider']
  if (!config['opentelemetry.metrics'] && given === undefined) return undefined
  const provider = given ?? loadOptional<{ metrics: { getMeterProvider(): { getMeter(name: string): unknown } } }>('@opentelemetry/api', 'opentelemetry.metrics').metrics.getMeterProvider()
  return observeMetrics(() => metrics.list(), provider.getMeter('samsa') as OtelMeter)
}

/** Metadata answers asked for at most, beyond the first, until two in a row agree on new broker addresses. */
const ADDRESS_ROUNDS = 3

function sameAddress(a: BrokerInfo | undefined, b: BrokerInfo | undefined): boolean {
  return a !== undefined && b !== undefined && addressOf(a) === addressOf(b)
}

function shuffle<T>(a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[a[i], a[j]] = [a[j]!, a[i]!]
  }
  return a
}
