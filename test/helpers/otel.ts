// An OpenTelemetry SDK for the tests: spans into an in-memory exporter
// (registered as the global tracer provider, with the AsyncLocalStorage
// context manager and the W3C trace context propagator), and a metric reader
// collected on demand.
import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { MeterProvider, MetricReader, type DataPoint, type MetricData } from '@opentelemetry/sdk-metrics'

/** Registers a global tracer provider (with `propagator`: the W3C one) and returns its exporter and provider. */
export function registerTracing(options: { propagator?: boolean } = {}): { exporter: InMemorySpanExporter; provider: BasicTracerProvider } {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  if (options.propagator ?? true) propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  trace.setGlobalTracerProvider(provider)
  return { exporter, provider }
}

export function spansNamed(exporter: InMemorySpanExporter, name: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((s) => s.name === name)
}

class TestReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

/** A MeterProvider whose `read(name)` collects now and returns that instrument's data (undefined when absent). */
export function testMeters(): { provider: MeterProvider; read(name: string): Promise<MetricData | undefined>; point(name: string, attributes: Record<string, string>): Promise<DataPoint<number> | undefined> } {
  const reader = new TestReader()
  const provider = new MeterProvider({ readers: [reader] })
  const read = async (name: string): Promise<MetricData | undefined> => {
    const { resourceMetrics } = await reader.collect()
    for (const sm of resourceMetrics.scopeMetrics) for (const m of sm.metrics) if (m.descriptor.name === name) return m
    return undefined
  }
  return {
    provider,
    read,
    async point(name, attributes) {
      const m = await read(name)
      return (m?.dataPoints as DataPoint<number>[] | undefined)?.find((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))
    },
  }
}
