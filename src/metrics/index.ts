/** What `metrics()` returns on every client. */
import type { Metric, Metrics } from './registry.js'

export type { Metric, MetricName } from './registry.js'

/**
 * The client's metrics with the Java client's names, groups and tags
 * (docs/observability.md lists them). Values are computed when read.
 */
export interface ClientMetrics {
  /** Every metric and its value now. */
  list(): Metric[]
  /**
   * One metric's value now, by name; `group` and `tags` pick among metrics of
   * the same name (per topic, partition or broker). undefined when absent.
   */
  value(name: string, options?: { group?: string; tags?: Readonly<Record<string, string>> }): number | undefined
}

export function clientMetrics(registry: Metrics): ClientMetrics {
  return {
    list: () => registry.list(),
    value: (name, options) => registry.value(name, options),
  }
}
