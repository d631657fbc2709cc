import { test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaError, Producer, TimeoutError, serializers } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { createTopic, deleteTopic } from './helpers.js'
import { Admin } from '../../../src/index.js'

// A topic the producer has metadata for, deleted behind its back (and not
// re-created: allow.auto.create.topics is off): its batches are refused with
// the retriable UNKNOWN_TOPIC_OR_PARTITION, then wait for a leader that never
// comes, holding their buffer memory until delivery.timeout.ms.
async function deletedTopic(p: Producer<Buffer, string>, partitions = 3): Promise<string> {
  const topic = uniqueName('producer-gone')
  await createTopic(topic, partitions)
  await Promise.all(Array.from({ length: partitions }, (_, partition) => p.send({ topic, value: 'warm-up', partition })))
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  try {
    await admin.deleteTopics([topic])
    const until = Date.now() + 15000
    while ((await admin.listTopics()).includes(topic)) {
      assert.ok(Date.now() < until, 'topic deleted')
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    await admin.close()
  }
  return topic
}

const base = () => ({
  'bootstrap.servers': bootstrapServers(),
  'value.serializer': serializers.string,
  'allow.auto.create.topics': false,
})

test('a record that cannot be delivered fails after delivery.timeout.ms with an error that says why', async () => {
  const p = new Producer({ ...base(), 'request.timeout.ms': 1000, 'linger.ms': 0, 'delivery.timeout.ms': 1500, 'retry.backoff.ms': 50 })
  const topic = await deletedTopic(p)
  try {
    const t0 = Date.now()
    const e = await p.send({ topic, value: 'x', partition: 0 }).then(() => assert.fail('should fail'), (err: unknown) => err)
    const took = Date.now() - t0
    assert.ok(e instanceof TimeoutError, String(e))
    assert.match(e.message, /Expiring 1 record\(s\) for .*-0: \d+ ms has passed since batch creation/)
    assert.match(e.message, /delivery\.timeout\.ms = 1500/)
    assert.match(e.message, /UNKNOWN_TOPIC_OR_PARTITION|no known leader/, 'says why')
    assert.ok(took >= 1400 && took < 6000, `failed after ${took} ms`)
    const m = p.metrics()
    assert.ok(m.retries >= 1, `retried (${m.retries})`)
    assert.equal(m.errors, 1)
    assert.equal(m.bufferInUse, 0, 'memory given back')
  } finally {
    await p.close()
  }
})

test('buffer full: send waits up to max.block.ms, then fails with TimeoutError', async () => {
  const p = new Producer({
    ...base(),
    'buffer.memory': 32768,
    'batch.size': 16384,
    'max.block.ms': 800,
    'delivery.timeout.ms': 60000,
    'request.timeout.ms': 30000,
  })
  const topic = await deletedTopic(p)
  const healthy = uniqueName('producer-healthy')
  await createTopic(healthy, 1)
  try {
    // Two batches take all the memory and cannot be delivered.
    const held = [p.send({ topic, value: 'a', partition: 0 }), p.send({ topic, value: 'b', partition: 1 })]
    for (const h of held) h.catch(() => {})
    await new Promise((r) => setTimeout(r, 200))
    assert.equal(p.metrics().bufferInUse, 32768)
    const t0 = Date.now()
    const order: string[] = []
    const waiting = [
      p.send({ topic: healthy, value: 'c' }).catch((e: unknown) => { order.push('c'); throw e }),
      p.send({ topic: healthy, value: 'd' }).catch((e: unknown) => { order.push('d'); throw e }),
    ]
    await new Promise((r) => setTimeout(r, 100))
    assert.equal(p.metrics().waitingSends, 2, 'sends wait for memory')
    for (const w of waiting) {
      const e = await w.then(() => assert.fail('should fail'), (err: unknown) => err)
      assert.ok(e instanceof TimeoutError, String(e))
      assert.match((e as KafkaError).message, /max blocking time 800 ms \(max\.block\.ms\)/)
      assert.match((e as KafkaError).message, /buffer\.memory/)
    }
    const took = Date.now() - t0
    assert.ok(took >= 700 && took < 5000, `waited ${took} ms`)
    assert.deepEqual(order, ['c', 'd'], 'waiters fail in order')
    assert.equal(p.metrics().bufferInUse, 32768, 'the stuck batches still hold the memory')
  } finally {
    await p.close({ timeoutMs: 0 })
    await deleteTopic(healthy)
  }
})

test('buffer full: a waiting send goes ahead, in order, as soon as memory is given back', async () => {
  const p = new Producer({
    ...base(),
    'buffer.memory': 32768,
    'batch.size': 16384,
    'max.block.ms': 10000,
    'linger.ms': 0,
    'request.timeout.ms': 1000,
    'delivery.timeout.ms': 1000,
  })
  const topic = await deletedTopic(p)
  const healthy = uniqueName('producer-healthy')
  await createTopic(healthy, 1)
  try {
    const t0 = Date.now()
    const held = [p.send({ topic, value: 'a', partition: 0 }), p.send({ topic, value: 'b', partition: 1 })]
    const waiters = [p.send({ topic: healthy, value: 'c' }), p.send({ topic: healthy, value: 'd' })]
    await new Promise((r) => setTimeout(r, 100))
    assert.equal(p.metrics().waitingSends, 2)
    // The held batches expire after ~1 s and give their memory back: the waiting sends go ahead.
    for (const h of held) await assert.rejects(h, /Expiring 1 record/)
    const [c, d] = await Promise.all(waiters)
    assert.ok(Date.now() - t0 >= 900, 'the waiters got memory only after the first batches expired')
    assert.equal(d!.offset, c!.offset + 1n, 'in order')
  } finally {
    await p.close({ timeoutMs: 0 })
    await deleteTopic(healthy)
  }
})

test('close({ timeoutMs }) fails what is still pending and returns', async () => {
  const p = new Producer({ ...base(), 'delivery.timeout.ms': 60000 })
  const topic = await deletedTopic(p, 1)
  const pending = p.send({ topic, value: 'x' })
  await new Promise((r) => setTimeout(r, 300))
  const t0 = Date.now()
  await p.close({ timeoutMs: 500 })
  assert.ok(Date.now() - t0 < 3000)
  await assert.rejects(pending, (e: KafkaError) => e.type === 'CLIENT_CLOSED' && /closed .*before the record was delivered/.test(e.message))
})
