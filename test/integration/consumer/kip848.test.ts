// KIP-848 consumer groups (group.protocol "consumer", Kafka 4.0+): broker-side
// assignment, reconciliation through the listener, regex subscription.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { supportsConsumerGroupProtocol, uniqueName } from '../../helpers/kafka.js'
import { TestProducer } from '../../helpers/produce.js'
import { Member, waitFor } from '../../helpers/consume.js'

const producer = new TestProducer()
after(() => producer.close())
const skip = supportsConsumerGroupProtocol() ? false : 'KIP-848 is generally available from Kafka 4.0'

test('two members of a KIP-848 group split the partitions and read every record once', { skip }, async () => {
  const topic = uniqueName('kip848')
  await producer.createTopic(topic, 4)
  const group = uniqueName('g')
  const config = { 'group.id': group, 'group.protocol': 'consumer', 'group.remote.assignor': 'uniform' }
  const a = new Member('a', config).subscribe([topic])
  const b = new Member('b', config).subscribe([topic])
  try {
    a.start()
    await waitFor('a owns all four', () => a.assignment().length === 4)
    b.start()
    await waitFor('2/2', () => a.assignment().length === 2 && b.assignment().length === 2, 30000)
    const revoked = a.events.filter((e) => e.type === 'revoked').flatMap((e) => e.partitions)
    assert.deepEqual(revoked.sort(), b.assignment(), 'a revoked exactly what b got')
    assert.ok(a.consumer.groupMetadata().generationId > 0, 'member epoch')
    await producer.fill(topic, 4, 2000)
    await waitFor('all records', () => a.records.length + b.records.length >= 2000)
    await new Promise((r) => setTimeout(r, 300))
    const values = [...a.records, ...b.records].map((r) => r.value)
    assert.equal(values.length, 2000)
    assert.equal(new Set(values).size, 2000)
    await b.consumer.commitSync()
    await b.close()
    await waitFor('a owns all four again', () => a.assignment().length === 4, 30000)
  } finally {
    await Promise.all([a.close(), b.close()])
  }
})

test('a KIP-848 member with a regex subscription gets matching topics from the broker', { skip }, async () => {
  const prefix = uniqueName('rx848')
  await producer.createTopic(`${prefix}-x`, 2)
  await producer.send(`${prefix}-x`, 1, [{ value: 'x' }])
  const m = new Member('a', { 'group.id': uniqueName('g'), 'group.protocol': 'consumer' }).subscribe(new RegExp(`${prefix}-.*`))
  try {
    m.start()
    await waitFor('matching topic assigned and read', () => m.records.some((r) => r.value === 'x'), 30000)
    assert.deepEqual(m.assignment(), [`${prefix}-x-0`, `${prefix}-x-1`])
  } finally {
    await m.close()
  }
})
