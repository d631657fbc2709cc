// Tests of alerts.ts at the three levels of docs/testing-your-app.md:
// with samsa/testing's mocks (no broker at all), against samsa/testing's
// in-process FakeKafka (no JVM), and against a real broker when
// KAFKA_BOOTSTRAP names one (`npm run kafka` starts one locally).
//
//   node --import tsx --test examples/testing-your-app/alerts.test.ts
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { Admin, Consumer, Producer, serializers, deserializers } from '../../src/index.js'
import { FakeKafka, MockConsumer, MockProducer } from '../../src/testing/index.js'
import { forwardAlerts } from './alerts.js'

const input = { topic: 'cpu', partition: 0 }

function mocks(autoComplete = true) {
  const consumer = new MockConsumer<Buffer, string>({ 'group.id': 'alerts', 'auto.offset.reset': 'earliest' })
  consumer.assign([input])
  consumer.updateBeginningOffsets([{ ...input, offset: 0n }])
  const producer = new MockProducer<string, string>({ autoComplete, 'key.serializer': serializers.string, 'value.serializer': serializers.string })
  return { consumer, producer }
}

test('mocks: readings over the threshold become alerts keyed by host, then the input is committed', async () => {
  const { consumer, producer } = mocks()
  consumer.addRecord({ ...input, offset: 0n, value: JSON.stringify({ host: 'web-1', cpu: 93 }) })
  consumer.addRecord({ ...input, offset: 1n, value: JSON.stringify({ host: 'web-2', cpu: 12 }) })
  assert.equal(await forwardAlerts(consumer, producer, 'alerts'), 1)
  assert.deepEqual(producer.history().map((r) => [r.key, r.value]), [['web-1', 'cpu 93% on web-1']])
  assert.deepEqual(await consumer.committed([input]), [{ ...input, offset: 2n }])
})

test('mocks: a failed alert leaves the input uncommitted (at-least-once)', async () => {
  const { consumer, producer } = mocks(false)
  consumer.addRecord({ ...input, offset: 0n, value: JSON.stringify({ host: 'db-1', cpu: 99 }) })
  const step = forwardAlerts(consumer, producer, 'alerts')
  // wait until the alert is sent, then let the "broker" refuse it
  while (producer.history().length === 0) await new Promise((resolve) => setImmediate(resolve))
  producer.errorNext(new Error('not enough replicas'))
  await assert.rejects(step, /not enough replicas/)
  assert.deepEqual(await consumer.committed([input]), [{ ...input, offset: -1n }])
})

// The same step against a cluster (the fake one or Kafka): real clients, real topics, a real group.
async function stepAgainst(bootstrap: string) {
  const readings = `readings-${randomUUID()}`
  const alerts = `alerts-${randomUUID()}`
  const admin = new Admin({ 'bootstrap.servers': bootstrap })
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'key.serializer': serializers.string, 'value.serializer': serializers.string })
  const consumer = new Consumer({ 'bootstrap.servers': bootstrap, 'group.id': `alerts-${randomUUID()}`, 'auto.offset.reset': 'earliest', 'enable.auto.commit': false, 'value.deserializer': deserializers.string })
  try {
    await admin.createTopics([{ topic: readings, numPartitions: 1 }, { topic: alerts, numPartitions: 1 }])
    await producer.send({ topic: readings, key: 'web-1', value: JSON.stringify({ host: 'web-1', cpu: 97 }) })
    consumer.subscribe([readings])
    let sent = 0
    for (let i = 0; i < 30 && sent === 0; i++) sent = await forwardAlerts(consumer, producer, alerts)
    assert.equal(sent, 1)
    const [committed] = await consumer.committed([{ topic: readings, partition: 0 }])
    assert.equal(committed!.offset, 1n)
  } finally {
    await consumer.close()
    await producer.close()
    await admin.deleteTopics([readings, alerts]).catch(() => {})
    await admin.close()
  }
}

test('the fake cluster: the same step against FakeKafka', async () => {
  const fake = new FakeKafka({ brokers: 1 })
  try {
    await stepAgainst(await fake.listen())
  } finally {
    await fake.close()
  }
})

test('a real broker: the same step against Kafka', { skip: process.env.KAFKA_BOOTSTRAP === undefined ? 'set KAFKA_BOOTSTRAP (npm run kafka starts a broker)' : false }, async () => {
  await stepAgainst(process.env.KAFKA_BOOTSTRAP!)
})
