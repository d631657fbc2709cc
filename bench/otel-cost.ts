// The cost of OpenTelemetry tracing per record: produces and consumes N
// records (100-byte values, acks=all, linger 5 ms) with tracing off (no SDK
// registered: "auto" finds none, so the clients hold no tracing object, the
// same path as @opentelemetry/api absent) or on (an SDK that samples every
// span and drops it in its exporter, so the cost measured is samsa's and the
// SDK's span making, not export). The consumer wraps each record in
// consumer.process() in both modes.
//
//   KAFKA_BOOTSTRAP=localhost:9092 npx tsx bench/otel-cost.ts off|on [records]
import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { Admin, Consumer, Producer } from '../src/index.js'

const mode = process.argv[2] === 'on' ? 'on' : 'off'
const n = Number(process.argv[3] ?? 20000)
const bootstrap = process.env.KAFKA_BOOTSTRAP ?? 'localhost:9092'
if (mode === 'on') {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor({ export: (_s, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => {} }, { maxQueueSize: 65536, maxExportBatchSize: 4096 })] }))
}
const topic = `otel-cost-${mode}-${Date.now()}`
const admin = new Admin({ 'bootstrap.servers': bootstrap })
await admin.createTopics([{ topic, numPartitions: 1 }])
await admin.close()

const value = Buffer.alloc(100, 'x')
const producer = new Producer({ 'bootstrap.servers': bootstrap, 'linger.ms': 5 })
await producer.send({ topic, value }) // connections and metadata
let t = process.hrtime.bigint()
let left = n - 1
await new Promise<void>((resolve, reject) => {
  for (let i = 0; i < n - 1; i++) producer.send({ topic, value }, (e) => (e ? reject(e) : --left === 0 && resolve()))
})
const produceNs = Number(process.hrtime.bigint() - t)
await producer.close()

const consumer = new Consumer({ 'bootstrap.servers': bootstrap, 'group.id': topic, 'auto.offset.reset': 'earliest' })
consumer.subscribe([topic])
let got = 0
let first = true
t = 0n
while (got < n) {
  const records = await consumer.poll(1000)
  if (first && records.count > 0) { first = false; t = process.hrtime.bigint() }
  for (const r of records) consumer.process(r, () => got++)
}
const consumeNs = Number(process.hrtime.bigint() - t)
await consumer.close()
console.log(JSON.stringify({ mode, records: n, produceUsPerRecord: +(produceNs / 1000 / (n - 1)).toFixed(2), consumeUsPerRecord: +(consumeNs / 1000 / n).toFixed(2) }))
