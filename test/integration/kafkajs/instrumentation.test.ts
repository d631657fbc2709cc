// The KafkaJS facade's producer REQUEST and REQUEST_QUEUE_SIZE events fire
// with KafkaJS's payload fields for the requests a send makes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createTopic, kafka } from './helpers.js'

test('producer.network.request and request_queue_size carry KafkaJS payloads', async () => {
  const client = kafka({ clientId: 'kjs-instrumentation' })
  const admin = client.admin()
  await admin.connect()
  const producer = client.producer()
  const requests: any[] = [] // eslint-disable-line @typescript-eslint/no-explicit-any
  const sizes: any[] = [] // eslint-disable-line @typescript-eslint/no-explicit-any
  const offRequest = producer.on(producer.events.REQUEST, (e) => requests.push(e))
  const offSize = producer.on(producer.events.REQUEST_QUEUE_SIZE, (e) => sizes.push(e))
  try {
    const topic = await createTopic(admin, 1, 'kjs-instr')
    await producer.connect()
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] })
    const produce = requests.filter((e) => e.payload.apiName === 'Produce')
    assert.equal(produce.length, 1, 'one Produce request')
    const e = produce[0]
    assert.equal(e.type, 'producer.network.request')
    assert.equal(typeof e.id, 'string')
    assert.ok(e.timestamp > 0)
    const p = e.payload
    assert.equal(p.clientId, 'kjs-instrumentation')
    assert.match(p.broker, /^[^:]+:\d+$/)
    assert.equal(p.apiKey, 0)
    assert.ok(Number.isInteger(p.apiVersion) && p.apiVersion >= 3)
    assert.ok(Number.isInteger(p.correlationId) && p.size > 0)
    assert.ok(p.duration >= 0 && p.sentAt >= p.createdAt && p.pendingDuration === 0)
    assert.ok(requests.some((x) => x.payload.apiName === 'Metadata'), 'Metadata requests too')
    assert.ok(sizes.length >= requests.length, 'a queue size per request written')
    assert.ok(sizes.every((x) => x.type === 'producer.network.request_queue_size' && x.payload.clientId === 'kjs-instrumentation' && x.payload.queueSize >= 1))
  } finally {
    offRequest()
    offSize()
    await producer.disconnect()
    await admin.disconnect()
  }
})
