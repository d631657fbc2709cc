/**
 * The consumer's metrics with the Java consumer's names:
 * `consumer-fetch-manager-metrics` (tag client-id; per topic with tag topic,
 * per partition with tags topic and partition), `consumer-coordinator-metrics`
 * and `consumer-metrics`. Recorded per fetch response, per poll, per commit
 * and per rebalance.
 */
import type { Metrics, Sensor } from './registry.js'
import { Last } from './registry.js'
import { fetchSensors, secondsAgo, type FetchSensors } from './fetch.js'

const FETCH = 'consumer-fetch-manager-metrics'
const COORD = 'consumer-coordinator-metrics'
const CONSUMER = 'consumer-metrics'

/** The consumer's live values, read when metrics are read. */
export interface ConsumerGauges {
  assignedPartitions(): number
  lastPollAt(): number
}

export class ConsumerMetricsRecorder {
  private readonly fetch: FetchSensors
  private readonly recordsPerRequest: Sensor
  private readonly lag: Sensor
  private readonly commits: Sensor
  private readonly rebalances: Sensor
  private readonly failedRebalances: Sensor
  private readonly betweenPolls: Sensor
  private lastRebalanceAt = -1

  constructor(private readonly metrics: Metrics, private readonly clientId: string, gauges: ConsumerGauges) {
    const tags = { 'client-id': clientId }
    this.fetch = fetchSensors(metrics, FETCH, tags, '', 'fetch')
    this.recordsPerRequest = metrics.sensor('records-per-request', (s) => s.add({ name: 'records-per-request-avg', group: FETCH, description: 'The average number of records returned per poll', tags }, metrics.avg()))
    this.lag = metrics.sensor('records-lag', (s) => s.add({ name: 'records-lag-max', group: FETCH, description: 'The maximum lag in terms of number of records for any partition in this window', tags }, metrics.max()))
    this.commits = metrics.sensor('commit-latency', (s) => s.avgMax(COORD, 'commit-latency', 'time taken for a commit request', tags).meter(COORD, 'commit', 'commit calls', tags, true))
    this.rebalances = metrics.sensor('rebalance-latency', (s) => s.avgMax(COORD, 'rebalance-latency', 'time taken for a group to complete a successful rebalance, in ms', tags)
      .add({ name: 'rebalance-latency-total', group: COORD, description: 'The total number of milliseconds this consumer has spent in successful rebalances since creation', tags }, metrics.total())
      .add({ name: 'rebalance-total', group: COORD, description: 'The total number of successful rebalance events', tags }, metrics.total(true))
      .add({ name: 'rebalance-rate-per-hour', group: COORD, description: 'The number of successful rebalance events per hour', tags }, metrics.rate(true, 3600)))
    this.failedRebalances = metrics.sensor('failed-rebalance', (s) => s.add({ name: 'failed-rebalance-total', group: COORD, description: 'The total number of failed rebalance events', tags }, metrics.total(true)))
    this.betweenPolls = metrics.sensor('time-between-poll', (s) => s.avgMax(CONSUMER, 'time-between-poll', 'delay in ms between invocations of poll()', tags))
    metrics.gauge('assigned-partitions', COORD, 'The number of partitions currently assigned to this consumer', tags, gauges.assignedPartitions)
    metrics.gauge('last-rebalance-seconds-ago', COORD, 'The number of seconds since the last successful rebalance event', tags,
      () => (this.lastRebalanceAt < 0 ? -1 : (Date.now() - this.lastRebalanceAt) / 1000))
    metrics.gauge('last-poll-seconds-ago', CONSUMER, 'The number of seconds since the last poll() invocation', tags, () => secondsAgo(gauges.lastPollAt()))
  }

  private topic(topic: string): Sensor {
    return this.metrics.sensor(`topic.${topic}.records`, (s) => {
      const tags = { 'client-id': this.clientId, topic }
      s.meter(FETCH, 'records-consumed', 'records consumed for a topic', tags)
    })
  }

  private topicBytes(topic: string): Sensor {
    return this.metrics.sensor(`topic.${topic}.bytes`, (s) => {
      const tags = { 'client-id': this.clientId, topic }
      s.meter(FETCH, 'bytes-consumed', 'bytes consumed for a topic', tags).avgMax(FETCH, 'fetch-size', 'bytes fetched per request for a topic', tags)
    })
  }

  private partitionLag(topic: string, partition: number): Sensor {
    return this.metrics.sensor(`partition.${topic}-${partition}.lag`, (s) => {
      const tags = { 'client-id': this.clientId, topic, partition: String(partition) }
      s.add({ name: 'records-lag', group: FETCH, description: 'The latest lag of the partition', tags }, new Last())
        .add({ name: 'records-lag-avg', group: FETCH, description: 'The average lag of the partition', tags }, this.metrics.avg())
        .add({ name: 'records-lag-max', group: FETCH, description: 'The max lag of the partition', tags }, this.metrics.max())
    })
  }

  /** A fetch response arrived: `bytesByTopic` are the record bytes per topic it carried. */
  fetched(latencyMs: number, throttleTimeMs: number, bytesByTopic: ReadonlyMap<string, number>): void {
    const now = Date.now()
    this.fetch.latency.record(latencyMs, now)
    this.fetch.throttle.record(throttleTimeMs, now)
    let total = 0
    for (const [topic, bytes] of bytesByTopic) {
      total += bytes
      this.topicBytes(topic).record(bytes, now)
    }
    this.fetch.bytes.record(total, now)
    this.fetch.size.record(total, now)
  }

  /** poll returned `count` records of a partition, whose lag is now `lag` (null: unknown). */
  consumed(topic: string, partition: number, count: number, lag: bigint | null, now: number): void {
    this.fetch.records.record(count, now)
    this.topic(topic).record(count, now)
    if (lag !== null) {
      const l = Number(lag)
      this.lag.record(l, now)
      this.partitionLag(topic, partition).record(l, now)
    }
  }

  /** poll is returning `count` records in all. */
  polled(count: number): void {
    if (count > 0) this.recordsPerRequest.record(count)
  }

  /** poll was called, `sinceLastMs` after the previous call (-1 for the first). */
  pollStarted(sinceLastMs: number): void {
    if (sinceLastMs >= 0) this.betweenPolls.record(sinceLastMs)
  }

  committed(latencyMs: number): void {
    this.commits.record(latencyMs)
  }

  rebalanced(latencyMs: number): void {
    this.lastRebalanceAt = Date.now()
    this.rebalances.record(latencyMs, this.lastRebalanceAt)
  }

  rebalanceFailed(): void {
    this.failedRebalances.record()
  }

  /** A partition left the assignment: its per-partition metrics go (as Java's). */
  unassigned(topic: string, partition: number): void {
    this.metrics.removeWhere({ 'client-id': this.clientId, topic, partition: String(partition) }, `partition.${topic}-${partition}.`)
  }
}
