// OpenTelemetry: a record's trace goes from the producer to the consumer.
// The SDK is registered before the clients are made, so samsa traces them
// ("opentelemetry.tracing": "auto"); the send span's context travels in the
// record's `traceparent` header and the consumer's `process` span continues
// it. A real application exports to a collector (OTLP); this one prints.
//
//   KAFKA_BOOTSTRAP=localhost:9092 npx tsx examples/opentelemetry.ts [topic]
import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator, ExportResultCode, type ExportResult } from '@opentelemetry/core'
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import { Consumer, Producer } from '../src/index.js'

// Prints each finished span: name, kind, trace id, span id, parent span id.
const printer: SpanExporter = {
  export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
    for (const s of spans) {
      console.log(`span "${s.name}" kind=${s.kind} trace=${s.spanContext().traceId} id=${s.spanContext().spanId} parent=${s.parentSpanContext?.spanId ?? '-'}`)
    }
    done({ code: ExportResultCode.SUCCESS })
  },
  shutdown: async () => {},
}
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(printer)] })
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
propagation.setGlobalPropagator(new W3CTraceContextPropagator())
trace.setGlobalTracerProvider(provider)

const bootstrap = process.env.KAFKA_BOOTSTRAP ?? 'localhost:9092'
const topic = process.argv[2] ?? 'samsa-otel-demo'
const tracer = trace.getTracer('shop')

// The producing service: an incoming request sends three orders.
const producer = new Producer({ 'bootstrap.servers': bootstrap, 'value.serializer': 'org.apache.kafka.common.serialization.StringSerializer' })
await tracer.startActiveSpan('checkout', async (span) => {
  for (let i = 1; i <= 3; i++) await producer.send({ topic, value: `order-${i}` })
  span.end()
})
await producer.close()

// The consuming service: each record is handled inside consumer.process().
const consumer = new Consumer<Buffer, string>({
  'bootstrap.servers': bootstrap,
  'group.id': process.env.GROUP ?? 'samsa-otel-demo',
  'auto.offset.reset': 'earliest',
  'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
})
consumer.subscribe([topic])
let handled = 0
while (handled < 3) {
  for (const record of await consumer.poll(1000)) {
    await consumer.process(record, async () => {
      // Spans started here are children of the process span.
      tracer.startActiveSpan('ship', (span) => span.end())
      console.log(`handled ${record.value} (traceparent ${record.headers.find((h) => h.key === 'traceparent')?.value?.toString()})`)
    })
    handled++
  }
}
await consumer.close()
await provider.shutdown()
