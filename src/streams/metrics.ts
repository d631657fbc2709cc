/**
 * The metrics of a KafkaStreams instance, with Kafka Streams' names: per
 * task, `dropped-records-total` and `dropped-records-rate` (group
 * `stream-task-metrics`, tags `thread-id` and `task-id`): records a
 * processor dropped (late for every window, or without key or value).
 */
import { clientMetrics, type ClientMetrics } from '../metrics/index.js'
import { Metrics, type MetricConfig } from '../metrics/registry.js'

export class StreamsMetrics {
  private readonly registry: Metrics

  constructor(config: MetricConfig, private readonly threadId: string) {
    this.registry = new Metrics(config)
  }

  droppedRecord(taskId: string): void {
    this.registry.sensor(`dropped-records:${taskId}`, (s) => s.meter('stream-task-metrics', 'dropped-records', 'records dropped by the task', { 'thread-id': this.threadId, 'task-id': taskId }, true)).record()
  }

  view(): ClientMetrics {
    return clientMetrics(this.registry)
  }
}
