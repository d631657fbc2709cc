/**
 * The share consumer's metrics with Java's KafkaShareConsumer names:
 * `consumer-share-fetch-manager-metrics` (fetches, bytes and records
 * consumed, acknowledgements sent and failed) and `consumer-share-metrics`
 * (time between polls), tag client-id. Recorded per ShareFetch response,
 * per poll and per acknowledgement outcome.
 */
import type { Metrics, Sensor } from './registry.js'
import { fetchSensors, secondsAgo, type FetchSensors } from './fetch.js'

const FETCH = 'consumer-share-fetch-manager-metrics'
const SHARE = 'consumer-share-metrics'

export class ShareConsumerMetricsRecorder {
  private readonly fetch: FetchSensors
  private readonly recordsPerRequest: Sensor
  private readonly acksSent: Sensor
  private readonly acksFailed: Sensor
  private readonly betweenPolls: Sensor

  constructor(metrics: Metrics, clientId: string, lastPollAt: () => number) {
    const tags = { 'client-id': clientId }
    this.fetch = fetchSensors(metrics, FETCH, tags, 'share-', 'share fetch')
    this.recordsPerRequest = metrics.sensor('share-records-per-request', (s) => s.avgMax(FETCH, 'records-per-request', 'number of records in each request', tags))
    this.acksSent = metrics.sensor('share-acknowledgements-send', (s) => s.meter(FETCH, 'acknowledgements-send', 'record acknowledgements sent', tags))
    this.acksFailed = metrics.sensor('share-acknowledgements-error', (s) => s.meter(FETCH, 'acknowledgements-error', 'record acknowledgements that failed', tags))
    this.betweenPolls = metrics.sensor('share-time-between-poll', (s) => s.avgMax(SHARE, 'time-between-poll', 'delay in ms between invocations of poll()', tags))
    metrics.gauge('last-poll-seconds-ago', SHARE, 'The number of seconds since the last poll() invocation', tags, () => secondsAgo(lastPollAt()))
  }

  /** A ShareFetch response arrived carrying `bytes` of records of which `records` were acquired. */
  fetched(latencyMs: number, throttleTimeMs: number, bytes: number, records: number): void {
    const now = Date.now()
    this.fetch.latency.record(latencyMs, now)
    this.fetch.throttle.record(throttleTimeMs, now)
    this.fetch.size.record(bytes, now)
    this.fetch.bytes.record(bytes, now)
    this.fetch.records.record(records, now)
    this.recordsPerRequest.record(records, now)
  }

  /** The broker answered `count` acknowledgements (of one partition), all failed when `failed`. */
  acknowledged(count: number, failed: boolean): void {
    this.acksSent.record(count)
    if (failed) this.acksFailed.record(count)
  }

  /** poll was called, `sinceLastMs` after the previous call (-1 for the first). */
  pollStarted(sinceLastMs: number): void {
    if (sinceLastMs >= 0) this.betweenPolls.record(sinceLastMs)
  }
}
