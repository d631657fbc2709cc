/**
 * The Java-named metrics exported as OpenTelemetry instruments, the way
 * OpenTelemetry's Java `kafka-clients` metrics reporter names them:
 * `kafka.<producer|consumer|admin>.<name with '-' as '_'>`
 * (`record-send-rate` of `producer-metrics` → `kafka.producer.record_send_rate`),
 * the metric's tags (`client-id`, `topic`, `partition`, `node-id`) as
 * attributes, `-total` metrics as observable counters and the others as
 * observable gauges. A metric reported at several granularities (per client
 * and per topic) is observed only at the finest, so sums do not count twice.
 *
 * Contract: nothing is computed between collections; each collection reads
 * the client's metrics once (one `list()`), skips NaN (an average with
 * nothing recorded). Instruments are made for the metrics present; one that
 * appears later (a new topic's, a new broker's) gets its instrument at the
 * collection that first sees it and values from the next one on.
 */
import type { Metric } from './registry.js'

/** The part of `@opentelemetry/api`'s Meter used here (structural, so samsa's types do not need the package). */
export interface OtelMeter {
  createObservableGauge(name: string, options?: { description?: string; unit?: string }): OtelObservable
  createObservableCounter(name: string, options?: { description?: string; unit?: string }): OtelObservable
  addBatchObservableCallback(callback: (result: OtelBatchResult) => void, observables: OtelObservable[]): void
  removeBatchObservableCallback(callback: (result: OtelBatchResult) => void, observables: OtelObservable[]): void
}
/** An OpenTelemetry observable instrument (opaque here). */
export type OtelObservable = object
/** What a batch observable callback is given. */
export interface OtelBatchResult {
  observe(observable: OtelObservable, value: number, attributes?: Record<string, string>): void
}

/** `kafka.producer.record_send_rate` for `record-send-rate` in `producer-metrics`. */
export function instrumentName(group: string, name: string): string {
  const kind = group.startsWith('admin') ? 'admin' : group.slice(0, group.indexOf('-') < 0 ? group.length : group.indexOf('-'))
  return `kafka.${kind}.${name.replaceAll('-', '_')}`
}

/**
 * Observes `list()` (a client's metrics) through `meter` until the returned
 * function is called.
 */
export function observeMetrics(list: () => Metric[], meter: OtelMeter): () => void {
  const instruments = new Map<string, OtelObservable>()
  let observed: OtelObservable[] = []
  let stopped = false
  let pending = false

  const ensure = (metrics: Metric[]): boolean => {
    let added = false
    for (const { metricName: m } of metrics) {
      const id = instrumentName(m.group, m.name)
      if (instruments.has(id)) continue
      const options = { description: m.description }
      instruments.set(id, m.name.endsWith('-total') ? meter.createObservableCounter(id, options) : meter.createObservableGauge(id, options))
      added = true
    }
    return added
  }

  const collect = (result: OtelBatchResult): void => {
    const metrics = list()
    // The finest granularity (most tags) of each instrument.
    const finest = new Map<string, number>()
    const named: string[] = []
    for (const { metricName: m } of metrics) {
      const id = instrumentName(m.group, m.name)
      named.push(id)
      const n = Object.keys(m.tags).length
      if ((finest.get(id) ?? -1) < n) finest.set(id, n)
    }
    for (let i = 0; i < metrics.length; i++) {
      const { metricName: m, value } = metrics[i]!
      const id = named[i]!
      const instrument = instruments.get(id)
      if (instrument === undefined || Number.isNaN(value) || Object.keys(m.tags).length !== finest.get(id)) continue
      result.observe(instrument, value, m.tags as Record<string, string>)
    }
    // New metrics: their instruments join the callback after this collection.
    if (!pending && ensure(metrics)) {
      pending = true
      setImmediate(() => {
        pending = false
        if (!stopped) register()
      }).unref()
    }
  }

  const register = (): void => {
    if (observed.length > 0) meter.removeBatchObservableCallback(collect, observed)
    observed = [...instruments.values()]
    meter.addBatchObservableCallback(collect, observed)
  }

  ensure(list())
  register()
  return () => {
    if (stopped) return
    stopped = true
    meter.removeBatchObservableCallback(collect, observed)
  }
}

/**
 * Exports `client.metrics()` (a Producer, Consumer, ShareConsumer or Admin)
 * through `meter` (an OpenTelemetry Meter) until the returned function is
 * called; the same as the `opentelemetry.metrics` option, for a client made
 * without it or a meter of the application's choice.
 */
export function instrumentMetrics(client: { metrics(): { list(): Metric[] } }, meter: OtelMeter): () => void {
  return observeMetrics(() => client.metrics().list(), meter)
}
