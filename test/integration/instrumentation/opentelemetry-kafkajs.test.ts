// Trace context across clients: a KafkaJS producer instrumented by
// @opentelemetry/instrumentation-kafkajs writes records whose trace samsa's
// consumer continues, and a KafkaJS consumer with that instrumentation
// continues the trace of records samsa produced. Runs when the benchmark
// peers (.bench/peers, installed by .ci/run) have KafkaJS.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { SpanKind } from '@opentelemetry/api'
import { registerInstrumentations } from '@opentelemetry/instrumentation'
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs'
import { Consumer, Producer, type ConsumerRecord } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { waitFor } from '../../helpers/consume.js'
import { registerTracing, spansNamed } from '../../helpers/otel.js'
import { createTopic } from '../producer/helpers.js'

const kafkajsDir = join(process.cwd(), '.bench/peers/node_modules/kafkajs')
const haveKafkaJS = existsSync(join(kafkajsDir, 'package.json'))

interface KjsModule {
  Kafka: new (config: object) => {
    producer(): { connect(): Promise<void>; send(o: object): Promise<unknown>; disconnect(): Promise<void> }
    consumer(o: object): { connect(): Promise<void>; subscribe(o: object): Promise<void>; run(o: object): Promise<void>; disconnect(): Promise<void> }
  }
  logLevel: { NOTHING: number }
}

const { exporter, provider } = registerTracing()
after(() => provider.shutdown())

test('KafkaJS (instrumented) → samsa and samsa → KafkaJS (instrumented): each consumer\'s process span is a child of the other client\'s send span',
  { skip: !haveKafkaJS && 'KafkaJS is not installed in .bench/peers (.ci/run installs it)' }, async () => {
    // The instrumentation patches kafkajs as it is loaded.
    const instrumentation = new KafkaJsInstrumentation()
    registerInstrumentations({ instrumentations: [instrumentation], tracerProvider: provider })
    after(() => instrumentation.disable())
    const kjs = createRequire(import.meta.url)(kafkajsDir) as KjsModule
    const kafka = new kjs.Kafka({ clientId: 'kafkajs-otel', brokers: bootstrapServers().split(','), logLevel: kjs.logLevel.NOTHING })

    const toSamsa = uniqueName('otel-from-kafkajs')
    const toKafkaJS = uniqueName('otel-to-kafkajs')
    await createTopic(toSamsa, 1)
    await createTopic(toKafkaJS, 1)

    const kp = kafka.producer()
    await kp.connect()
    try {
      await kp.send({ topic: toSamsa, messages: [{ key: 'k1', value: 'from kafkajs' }] })
    } finally {
      await kp.disconnect()
    }
    const kjsSend = spansNamed(exporter, `send ${toSamsa}`)
    assert.equal(kjsSend.length, 1)
    assert.equal(kjsSend[0]!.instrumentationScope.name, '@opentelemetry/instrumentation-kafkajs')

    const consumer = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'group.id': uniqueName('otel-kjs'), 'auto.offset.reset': 'earliest' })
    let record: ConsumerRecord<Buffer, Buffer> | undefined
    try {
      consumer.subscribe([toSamsa])
      const deadline = Date.now() + 30000
      while (record === undefined && Date.now() < deadline) for (const r of await consumer.poll(500)) record = r
      assert.ok(record)
      consumer.process(record, () => {})
    } finally {
      await consumer.close()
    }
    const samsaProcess = spansNamed(exporter, `process ${toSamsa}`)
    assert.equal(samsaProcess.length, 1)
    assert.equal(samsaProcess[0]!.instrumentationScope.name, 'samsa')
    assert.equal(samsaProcess[0]!.spanContext().traceId, kjsSend[0]!.spanContext().traceId)
    assert.equal(samsaProcess[0]!.parentSpanContext?.spanId, kjsSend[0]!.spanContext().spanId)
    assert.equal(samsaProcess[0]!.attributes['messaging.kafka.message.key'], 'k1')
    const poll = spansNamed(exporter, `poll ${toSamsa}`)
    assert.ok(poll.some((p) => p.links.some((l) => l.context.spanId === kjsSend[0]!.spanContext().spanId)))

    const producer = new Producer({ 'bootstrap.servers': bootstrapServers() })
    try {
      await producer.send({ topic: toKafkaJS, value: Buffer.from('from samsa') })
    } finally {
      await producer.close()
    }
    const samsaSend = spansNamed(exporter, `send ${toKafkaJS}`)
    assert.equal(samsaSend.length, 1)
    assert.equal(samsaSend[0]!.instrumentationScope.name, 'samsa')
    const kc = kafka.consumer({ groupId: uniqueName('otel-kjs-consumer') })
    let got = 0
    await kc.connect()
    try {
      await kc.subscribe({ topic: toKafkaJS, fromBeginning: true })
      await kc.run({ eachMessage: async () => { got++ } })
      await waitFor('the KafkaJS consumer to process the record', () => got === 1 && spansNamed(exporter, `process ${toKafkaJS}`).length === 1)
    } finally {
      await kc.disconnect()
    }
    const kjsProcess = spansNamed(exporter, `process ${toKafkaJS}`)[0]!
    assert.equal(kjsProcess.kind, SpanKind.CONSUMER)
    assert.equal(kjsProcess.instrumentationScope.name, '@opentelemetry/instrumentation-kafkajs')
    assert.equal(kjsProcess.spanContext().traceId, samsaSend[0]!.spanContext().traceId)
    assert.equal(kjsProcess.parentSpanContext?.spanId, samsaSend[0]!.spanContext().spanId)
  })
