// Without a registered propagator samsa writes and reads W3C trace context
// itself: the trace still continues from producer to consumer, tracestate
// included.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { propagation } from '@opentelemetry/api'
import { Consumer, Producer, type ConsumerRecord } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { registerTracing, spansNamed } from '../../helpers/otel.js'
import { createTopic } from '../producer/helpers.js'

const { exporter, provider } = registerTracing({ propagator: false })
after(() => provider.shutdown())

test('no global propagator: samsa writes traceparent itself and its consumer reads it back (tracestate too)', async () => {
  assert.deepEqual(propagation.fields(), [], 'no propagator registered')
  const topic = uniqueName('otel-w3c')
  await createTopic(topic, 1)
  const producer = new Producer({ 'bootstrap.servers': bootstrapServers() })
  try {
    await producer.send({ topic, value: Buffer.from('a') })
  } finally {
    await producer.close()
  }
  const [send] = spansNamed(exporter, `send ${topic}`)
  // A record from another service: its traceparent and tracestate as written by any W3C propagator.
  const foreign = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' }
  const producer2 = new Producer({ 'bootstrap.servers': bootstrapServers(), 'opentelemetry.tracing': false })
  try {
    await producer2.send({ topic, value: Buffer.from('b'), headers: [
      { key: 'traceparent', value: Buffer.from(`00-${foreign.traceId}-${foreign.spanId}-01`) },
      { key: 'tracestate', value: Buffer.from('vendor=abc') },
    ] })
    await producer2.send({ topic, value: Buffer.from('c'), headers: [{ key: 'traceparent', value: Buffer.from('00-not-a-trace-context-01') }] })
  } finally {
    await producer2.close()
  }
  const consumer = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'group.id': uniqueName('otel-w3c'), 'auto.offset.reset': 'earliest' })
  const got: ConsumerRecord<Buffer, Buffer>[] = []
  try {
    consumer.subscribe([topic])
    const deadline = Date.now() + 30000
    while (got.length < 3 && Date.now() < deadline) for (const r of await consumer.poll(500)) got.push(r)
    for (const r of got) consumer.process(r, () => {})
  } finally {
    await consumer.close()
  }
  assert.equal(got.length, 3)
  assert.equal(got[0]!.headers.find((h) => h.key === 'traceparent')?.value?.toString(), `00-${send!.spanContext().traceId}-${send!.spanContext().spanId}-01`)
  const [p0, p1, p2] = spansNamed(exporter, `process ${topic}`)
  assert.equal(p0!.parentSpanContext?.spanId, send!.spanContext().spanId)
  assert.equal(p0!.spanContext().traceId, send!.spanContext().traceId)
  assert.equal(p1!.parentSpanContext?.spanId, foreign.spanId)
  assert.equal(p1!.spanContext().traceId, foreign.traceId)
  assert.equal(p1!.spanContext().traceState?.get('vendor'), 'abc', 'tracestate carried into the trace')
  assert.equal(p2!.parentSpanContext, undefined, 'a malformed traceparent is ignored: a new trace')
})
