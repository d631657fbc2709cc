/**
 * The producer's metrics with the Java producer's names: `producer-metrics`
 * (tag client-id) and `producer-topic-metrics` (tags client-id, topic).
 * Recorded per produce request and per batch, as Java's Sender does: a
 * record counts as sent when its batch is written in a request (again when
 * the batch is retried), as an error when it fails for good.
 */
import type { Metrics, Sensor } from './registry.js'

/** What the sink reports of a batch. */
export interface BatchFacts {
  readonly topic: string
  readonly recordCount: number
  readonly sizeInBytes: number
  readonly compressionRatio: number | undefined
  readonly createdMs: number
}

/** The producer's live values, read when metrics are read. */
export interface ProducerGauges {
  bufferTotal(): number
  bufferAvailable(): number
  waitingSends(): number
  requestsInFlight(): number
}

const GROUP = 'producer-metrics'
const TOPIC_GROUP = 'producer-topic-metrics'

type TopicSensorKind = 'send' | 'retry' | 'error' | 'bytes' | 'compression'

export class ProducerMetricsRecorder {
  private readonly batchSize: Sensor
  private readonly compression: Sensor
  private readonly queueTime: Sensor
  private readonly recordsPerRequest: Sensor
  private readonly sends: Sensor
  private readonly retries: Sensor
  private readonly errors: Sensor
  private readonly latency: Sensor
  private readonly throttle: Sensor
  private readonly splits: Sensor

  constructor(private readonly metrics: Metrics, private readonly clientId: string, gauges: ProducerGauges) {
    const tags = { 'client-id': clientId }
    const g = GROUP
    this.batchSize = metrics.sensor('batch-size', (s) => s.avgMax(g, 'batch-size', 'number of bytes sent per partition per request', tags))
    this.compression = metrics.sensor('compression-rate', (s) => s.add({ name: 'compression-rate-avg', group: g, description: 'The average compression rate of record batches (compressed / uncompressed size)', tags }, metrics.avg()))
    this.queueTime = metrics.sensor('queue-time', (s) => s.avgMax(g, 'record-queue-time', 'time in ms record batches spent in the send buffer', tags))
    this.recordsPerRequest = metrics.sensor('records-per-request', (s) => s.add({ name: 'records-per-request-avg', group: g, description: 'The average number of records per request', tags }, metrics.avg()))
    this.sends = metrics.sensor('record-send', (s) => s.meter(g, 'record-send', 'records sent', tags))
    this.retries = metrics.sensor('record-retry', (s) => s.meter(g, 'record-retry', 'retried record sends', tags))
    this.errors = metrics.sensor('record-error', (s) => s.meter(g, 'record-error', 'record sends that resulted in errors', tags))
    this.latency = metrics.sensor('request-latency', (s) => s.avgMax(g, 'request-latency', 'produce request latency in ms', tags))
    this.throttle = metrics.sensor('produce-throttle-time', (s) => s.avgMax(g, 'produce-throttle-time', 'time in ms a request was throttled by a broker', tags))
    this.splits = metrics.sensor('batch-split', (s) => s.meter(g, 'batch-split', 'batch splits', tags))
    metrics.gauge('buffer-total-bytes', g, 'The maximum amount of buffer memory the client can use (buffer.memory)', tags, gauges.bufferTotal)
    metrics.gauge('buffer-available-bytes', g, 'The total amount of buffer memory that is not being used', tags, gauges.bufferAvailable)
    metrics.gauge('waiting-threads', g, 'The number of sends blocked waiting for buffer memory or metadata', tags, gauges.waitingSends)
    metrics.gauge('requests-in-flight', g, 'The current number of in-flight requests awaiting a response', tags, gauges.requestsInFlight)
  }

  /** The per-topic sensors made so far (the registry never removes them), so a batch does not build their names again. */
  private readonly topicSensors = new Map<string, Partial<Record<TopicSensorKind, Sensor>>>()

  private topic(topic: string, kind: TopicSensorKind): Sensor {
    let byKind = this.topicSensors.get(topic)
    if (byKind === undefined) this.topicSensors.set(topic, (byKind = {}))
    return (byKind[kind] ??= this.makeTopicSensor(topic, kind))
  }

  private makeTopicSensor(topic: string, kind: TopicSensorKind): Sensor {
    return this.metrics.sensor(`topic.${topic}.${kind}`, (s) => {
      const tags = { 'client-id': this.clientId, topic }
      const g = TOPIC_GROUP
      if (kind === 'send') s.meter(g, 'record-send', 'records sent for a topic', tags)
      else if (kind === 'retry') s.meter(g, 'record-retry', 'retried record sends for a topic', tags)
      else if (kind === 'error') s.meter(g, 'record-error', 'record sends that resulted in errors for a topic', tags)
      else if (kind === 'bytes') s.meter(g, 'byte', 'bytes sent for a topic', tags)
      else s.add({ name: 'compression-rate', group: g, description: 'The average compression rate of record batches for a topic', tags }, this.metrics.avg())
    })
  }

  /** A produce request with these batches was written. */
  requestSent(batches: readonly BatchFacts[], now: number): void {
    let records = 0
    for (const b of batches) {
      records += b.recordCount
      this.batchSize.record(b.sizeInBytes, now)
      this.queueTime.record(now - b.createdMs, now)
      this.sends.record(b.recordCount, now)
      this.topic(b.topic, 'send').record(b.recordCount, now)
      this.topic(b.topic, 'bytes').record(b.sizeInBytes, now)
      if (b.compressionRatio !== undefined) {
        this.compression.record(b.compressionRatio, now)
        this.topic(b.topic, 'compression').record(b.compressionRatio, now)
      }
    }
    this.recordsPerRequest.record(records, now)
  }

  /** A produce response arrived. */
  responseReceived(latencyMs: number, throttleTimeMs: number): void {
    const now = Date.now()
    this.latency.record(latencyMs, now)
    this.throttle.record(throttleTimeMs, now)
  }

  retried(b: BatchFacts): void {
    this.retries.record(b.recordCount)
    this.topic(b.topic, 'retry').record(b.recordCount)
  }

  failed(b: BatchFacts): void {
    this.errors.record(b.recordCount)
    this.topic(b.topic, 'error').record(b.recordCount)
  }

  split(): void {
    this.splits.record()
  }
}
