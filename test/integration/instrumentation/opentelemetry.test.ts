// OpenTelemetry tracing against the real broker: the producer's send spans,
// the trace context they put in the records' headers, the consumer's poll and
// process spans continuing that trace, error spans, the semantic
// conventions' attributes, and the metrics exported as instruments.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { SpanKind, SpanStatusCode, trace, type Observable } from '@opentelemetry/api'
import { Consumer, Producer, instrumentMetrics, type ConsumerRecord, type OtelMeter, type RecordMetadata } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { registerTracing, spansNamed, testMeters } from '../../helpers/otel.js'
import { createTopic } from '../producer/helpers.js'
import { kafka, waitFor } from '../kafkajs/helpers.js'

// Registered before any client is made: "auto" turns tracing on.
const { exporter, provider } = registerTracing()
after(() => provider.shutdown())

async function consumeAll(consumer: Consumer, n: number, each: (r: ConsumerRecord<Buffer, Buffer>) => Promise<void> | void = () => {}): Promise<ConsumerRecord<Buffer, Buffer>[]> {
  const got: ConsumerRecord<Buffer, Buffer>[] = []
  const deadline = Date.now() + 30000
  while (got.length < n) {
    assert.ok(Date.now() < deadline, `consumed ${got.length} of ${n} records`)
    for (const r of await consumer.poll(500)) {
      got.push(r)
      await each(r)
    }
  }
  return got
}

test('a produced record\'s trace continues in the consumer: send span → traceparent header → poll link and process child', async () => {
  const topic = uniqueName('otel')
  await createTopic(topic, 2)
  const groupId = uniqueName('otel-group')
  const producer = new Producer({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'otel-producer' })
  const sent: RecordMetadata[] = []
  try {
    const tracer = trace.getTracer('test')
    // The application's span around the sends: the send spans are its children.
    await tracer.startActiveSpan('request', async (request) => {
      sent.push(await producer.send({ topic, partition: 1, key: Buffer.from('order-1'), value: Buffer.from('a') }))
      sent.push(await producer.send({ topic, partition: 0, key: Buffer.from('order-2'), value: null, headers: [{ key: 'traceparent', value: Buffer.from('00-11111111111111111111111111111111-2222222222222222-01') }] }))
      sent.push(await producer.send({ topic, value: Buffer.from('c') }))
      request.end()
    })
  } finally {
    await producer.close()
  }
  const request = spansNamed(exporter, 'request')[0]!
  const sends = spansNamed(exporter, `send ${topic}`)
  assert.equal(sends.length, 3)
  for (const [i, s] of sends.entries()) {
    assert.equal(s.kind, SpanKind.PRODUCER)
    assert.equal(s.spanContext().traceId, request.spanContext().traceId, 'a send span is in the trace of the span active at send()')
    assert.equal(s.parentSpanContext?.spanId, request.spanContext().spanId)
    assert.equal(s.status.code, SpanStatusCode.UNSET)
    assert.equal(s.attributes['messaging.system'], 'kafka')
    assert.equal(s.attributes['messaging.operation.type'], 'send')
    assert.equal(s.attributes['messaging.operation.name'], 'send')
    assert.equal(s.attributes['messaging.destination.name'], topic)
    assert.equal(s.attributes['messaging.client.id'], 'otel-producer')
    assert.equal(s.attributes['messaging.destination.partition.id'], String(sent[i]!.partition))
    assert.equal(s.attributes['messaging.kafka.offset'], Number(sent[i]!.offset))
  }
  assert.equal(sends[0]!.attributes['messaging.kafka.message.key'], 'order-1')
  assert.equal(sends[1]!.attributes['messaging.kafka.message.key'], 'order-2')
  assert.equal(sends[1]!.attributes['messaging.kafka.message.tombstone'], true)
  assert.equal(sends[2]!.attributes['messaging.kafka.message.key'], undefined, 'no key, no key attribute')

  const consumer = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'group.id': groupId, 'client.id': 'otel-consumer', 'auto.offset.reset': 'earliest' })
  const inner: { record: bigint; span: string }[] = []
  let records: ConsumerRecord<Buffer, Buffer>[]
  try {
    consumer.subscribe([topic])
    records = await consumeAll(consumer, 3, (r) => consumer.process(r, async () => {
      // The application's work inside process: a child of the process span.
      await new Promise((resolve) => setTimeout(resolve, 1))
      trace.getTracer('test').startActiveSpan('work', (w) => {
        inner.push({ record: r.offset, span: w.spanContext().spanId })
        w.end()
      })
    }))
  } finally {
    await consumer.close()
  }
  const sendFor = (r: ConsumerRecord<Buffer, Buffer>) => sends[sent.findIndex((m) => m.partition === r.partition && m.offset === r.offset)]!
  for (const r of records) {
    const s = sendFor(r)
    const traceparent = r.headers.filter((h) => h.key === 'traceparent')
    assert.equal(traceparent.length, 1, 'one traceparent header: a given one is replaced')
    assert.equal(traceparent[0]!.value!.toString(), `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`)
  }
  const polls = exporter.getFinishedSpans().filter((s) => s.name === `poll ${topic}`)
  assert.ok(polls.length >= 1)
  const linked = polls.flatMap((p) => p.links.map((l) => l.context.spanId))
  assert.deepEqual(linked.sort(), sends.map((s) => s.spanContext().spanId).sort(), 'the poll spans link every record\'s send span')
  for (const p of polls) {
    assert.equal(p.kind, SpanKind.CLIENT)
    assert.equal(p.attributes['messaging.operation.type'], 'receive')
    assert.equal(p.attributes['messaging.operation.name'], 'poll')
    assert.equal(p.attributes['messaging.consumer.group.name'], groupId)
    assert.equal(p.attributes['messaging.destination.name'], topic)
    assert.equal(p.attributes['messaging.batch.message_count'], p.links.length)
  }
  const processes = spansNamed(exporter, `process ${topic}`)
  assert.equal(processes.length, 3)
  for (const r of records) {
    const s = sendFor(r)
    const p = processes.find((x) => x.attributes['messaging.kafka.offset'] === Number(r.offset) && x.attributes['messaging.destination.partition.id'] === String(r.partition))!
    assert.ok(p, `a process span for ${r.partition}@${r.offset}`)
    assert.equal(p.kind, SpanKind.CONSUMER)
    assert.equal(p.spanContext().traceId, s.spanContext().traceId, 'the consumer continues the producer\'s trace')
    assert.equal(p.parentSpanContext?.spanId, s.spanContext().spanId, 'the process span is a child of the send span')
    assert.equal(p.attributes['messaging.system'], 'kafka')
    assert.equal(p.attributes['messaging.operation.type'], 'process')
    assert.equal(p.attributes['messaging.consumer.group.name'], groupId)
    assert.equal(p.attributes['messaging.client.id'], 'otel-consumer')
    assert.equal(p.status.code, SpanStatusCode.UNSET)
    const work = exporter.getFinishedSpans().find((w) => w.name === 'work' && w.spanContext().spanId === inner.find((i) => i.record === r.offset && i.span === w.spanContext().spanId)?.span)
    assert.ok(work)
    assert.ok(processes.some((x) => x.spanContext().spanId === work.parentSpanContext?.spanId), 'spans started in process() are its children')
  }
})

test('a failed send ends its span with an error status and error.type; a throwing process() too', async () => {
  const topic = uniqueName('otel-fail')
  await createTopic(topic, 1)
  const producer = new Producer({ 'bootstrap.servers': bootstrapServers(), 'max.block.ms': 2000 })
  let error: unknown
  try {
    await producer.send({ topic, partition: 7, value: Buffer.from('nowhere') }).catch((e: unknown) => { error = e })
    await producer.send({ topic, value: Buffer.from('fine') })
  } finally {
    await producer.close()
  }
  assert.ok(error instanceof Error)
  const [failed, fine] = spansNamed(exporter, `send ${topic}`)
  assert.equal(failed!.status.code, SpanStatusCode.ERROR)
  assert.equal(failed!.status.message, error.message)
  assert.equal(failed!.attributes['error.type'], (error as { type?: string }).type)
  assert.ok(failed!.events.some((e) => e.name === 'exception'))
  assert.equal(fine!.status.code, SpanStatusCode.UNSET)

  const consumer = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'group.id': uniqueName('otel-fail'), 'auto.offset.reset': 'earliest' })
  try {
    consumer.subscribe([topic])
    const [r] = await consumeAll(consumer, 1)
    await assert.rejects(consumer.process(r!, async () => { throw new TypeError('bad record') }), /bad record/)
    assert.throws(() => consumer.process(r!, () => { throw new RangeError('sync') }), /sync/)
    assert.equal(consumer.process(r!, () => 42), 42)
  } finally {
    await consumer.close()
  }
  const [rejected, thrown, ok] = spansNamed(exporter, `process ${topic}`)
  assert.equal(rejected!.status.code, SpanStatusCode.ERROR)
  assert.equal(rejected!.attributes['error.type'], 'TypeError')
  assert.equal(thrown!.attributes['error.type'], 'RangeError')
  assert.equal(ok!.status.code, SpanStatusCode.UNSET)
  assert.equal(rejected!.parentSpanContext?.spanId, fine!.spanContext().spanId)
})

test('opentelemetry.tracing false: no spans, no trace headers, process() just runs the function', async () => {
  const topic = uniqueName('otel-off')
  await createTopic(topic, 1)
  const producer = new Producer({ 'bootstrap.servers': bootstrapServers(), 'opentelemetry.tracing': false })
  try {
    await producer.send({ topic, value: Buffer.from('x') })
  } finally {
    await producer.close()
  }
  const consumer = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'group.id': uniqueName('otel-off'), 'auto.offset.reset': 'earliest', 'opentelemetry.tracing': false })
  try {
    consumer.subscribe([topic])
    const [r] = await consumeAll(consumer, 1)
    assert.deepEqual(r!.headers, [])
    assert.equal(consumer.process(r!, () => 'ran'), 'ran')
  } finally {
    await consumer.close()
  }
  assert.deepEqual(exporter.getFinishedSpans().filter((s) => s.name.endsWith(topic)), [])
})

test('the metrics are exported as OpenTelemetry instruments whose values follow the load', async () => {
  const topic = uniqueName('otel-metrics')
  await createTopic(topic, 1)
  const meters = testMeters()
  after(() => meters.provider.shutdown())
  const producer = new Producer({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'otel-metrics', 'opentelemetry.meter.provider': meters.provider, 'linger.ms': 5 })
  try {
    const tags = { 'client-id': 'otel-metrics', topic }
    await Promise.all(Array.from({ length: 100 }, (_, i) => producer.send({ topic, value: Buffer.from(String(i)) })))
    // The topic's metrics appear with the first batch: their instruments from the next collection on.
    await meters.read('kafka.producer.record_send_total')
    await new Promise((resolve) => setImmediate(resolve))
    const total = await meters.read('kafka.producer.record_send_total')
    assert.ok(total, 'kafka.producer.record_send_total is exported')
    assert.equal(total.dataPointType, 3 /* SUM */)
    assert.equal((total as { isMonotonic?: boolean }).isMonotonic, true, '-total metrics are observable counters')
    assert.equal((await meters.point('kafka.producer.record_send_total', tags))?.value, 100)
    assert.equal(total.dataPoints.some((p) => p.attributes['topic'] === undefined), false, 'only the finest granularity (per topic) is observed')
    await Promise.all(Array.from({ length: 50 }, (_, i) => producer.send({ topic, value: Buffer.from(String(i)) })))
    assert.equal((await meters.point('kafka.producer.record_send_total', tags))?.value, 150)
    const rate = await meters.read('kafka.producer.record_send_rate')
    assert.equal(rate?.dataPointType, 2 /* GAUGE */)
    assert.ok(((await meters.point('kafka.producer.record_send_rate', tags))?.value ?? 0) > 0)
    const latency = await meters.point('kafka.producer.request_latency_avg', { 'client-id': 'otel-metrics' })
    assert.ok(latency !== undefined && latency.value > 0, 'request latency is exported')
    assert.ok(((await meters.point('kafka.producer.connection_count', { 'client-id': 'otel-metrics' }))?.value ?? 0) >= 1)
  } finally {
    await producer.close()
  }

  // instrumentMetrics on a client made without the option (the meter counts the callbacks it holds).
  const consumer = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'otel-metrics-c', 'group.id': uniqueName('otel-metrics'), 'auto.offset.reset': 'earliest' })
  const meter = meters.provider.getMeter('app')
  let callbacks = 0
  const counting: OtelMeter = {
    createObservableGauge: (n, o) => meter.createObservableGauge(n, o),
    createObservableCounter: (n, o) => meter.createObservableCounter(n, o),
    addBatchObservableCallback: (cb, o) => { callbacks++; meter.addBatchObservableCallback(cb, o as Observable[]) },
    removeBatchObservableCallback: (cb, o) => { callbacks--; meter.removeBatchObservableCallback(cb, o as Observable[]) },
  }
  const stop = instrumentMetrics(consumer, counting)
  try {
    consumer.subscribe([topic])
    await consumeAll(consumer, 150)
    await meters.read('kafka.consumer.records_consumed_total')
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal((await meters.point('kafka.consumer.records_consumed_total', { 'client-id': 'otel-metrics-c', topic }))?.value, 150)
    assert.equal((await meters.point('kafka.consumer.records_lag', { 'client-id': 'otel-metrics-c', topic, partition: '0' }))?.value, 0)
  } finally {
    stop()
    await consumer.close()
  }
  assert.equal(callbacks, 0, 'stop() removes the callback')
})

test('samsa/kafkajs: eachMessage runs in a process span, a child of the record\'s send span', async () => {
  const topic = uniqueName('otel-facade')
  await createTopic(topic, 1)
  const producer = new Producer({ 'bootstrap.servers': bootstrapServers() })
  try {
    await producer.send({ topic, value: Buffer.from('via the facade') })
  } finally {
    await producer.close()
  }
  const [send] = spansNamed(exporter, `send ${topic}`)
  const consumer = kafka().consumer({ groupId: uniqueName('otel-facade') })
  let inHandler: string | undefined
  await consumer.connect()
  try {
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({ eachMessage: async () => { inHandler = trace.getActiveSpan()?.spanContext().spanId } })
    await waitFor(() => inHandler !== undefined && spansNamed(exporter, `process ${topic}`).length === 1, 'the message processed')
  } finally {
    await consumer.disconnect()
  }
  const [process] = spansNamed(exporter, `process ${topic}`)
  assert.equal(process!.kind, SpanKind.CONSUMER)
  assert.equal(process!.parentSpanContext?.spanId, send!.spanContext().spanId)
  assert.equal(process!.spanContext().traceId, send!.spanContext().traceId)
  assert.equal(inHandler, process!.spanContext().spanId, 'the handler runs in the process span')
})
