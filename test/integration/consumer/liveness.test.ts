// Heartbeats run in the background: a slow handler keeps its membership;
// one that exceeds max.poll.interval.ms leaves the group, as in Java.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueName } from '../../helpers/kafka.js'
import { TestProducer } from '../../helpers/produce.js'
import { Member, waitFor } from '../../helpers/consume.js'

const producer = new TestProducer()
after(() => producer.close())

test('processing longer than session.timeout.ms between polls does not lose membership', async () => {
  const topic = uniqueName('slow')
  await producer.createTopic(topic, 2)
  await producer.fill(topic, 2, 20)
  const config = { 'group.id': uniqueName('g'), 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500, 'max.poll.interval.ms': 30000, 'max.poll.records': 5 }
  const a = new Member('a', config).subscribe([topic])
  try {
    let slow = true
    a.start(async (batch) => {
      if (batch.length > 0 && slow) {
        slow = false
        await new Promise((r) => setTimeout(r, 8000)) // longer than the session timeout
      }
    })
    await waitFor('assignment', () => a.assignment().length === 2)
    const generation = a.consumer.groupMetadata().generationId
    await waitFor('all records', () => a.records.length >= 20, 20000)
    assert.equal(a.consumer.groupMetadata().generationId, generation, 'still the same generation')
    assert.deepEqual(a.events.map((e) => e.type), ['assigned'], 'no revocation, no loss')
  } finally {
    await a.close()
  }
})

test('a member that does not poll within max.poll.interval.ms leaves; the next poll reports the partitions lost and rejoins', async () => {
  const topic = uniqueName('pollint')
  await producer.createTopic(topic, 2)
  const group = uniqueName('g')
  const config = { 'group.id': group, 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 300, 'max.poll.interval.ms': 1500 }
  const a = new Member('a', config).subscribe([topic])
  const b = new Member('b', config).subscribe([topic])
  try {
    let stall = false
    a.start(async () => {
      if (stall) {
        stall = false
        await new Promise((r) => setTimeout(r, 4000))
      }
    })
    b.start()
    await waitFor('1/1', () => a.assignment().length === 1 && b.assignment().length === 1)
    stall = true
    await waitFor('b takes over while a is stuck', () => b.assignment().length === 2, 15000)
    await waitFor('a reports lost and rejoins', () => a.events.some((e) => e.type === 'lost') && a.assignment().length === 1 && b.assignment().length === 1, 20000)
    assert.deepEqual(a.events.find((e) => e.type === 'lost')!.partitions.length, 1)
  } finally {
    await Promise.all([a.close(), b.close()])
  }
})
