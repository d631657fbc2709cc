// A classic group whose members subscribe to a topic before it exists: the
// leader assigns nothing of it, keeps asking for its metadata (Java's
// Metadata asks again on UNKNOWN_TOPIC_OR_PARTITION), and rejoins once it is
// created, long before metadata.max.age.ms (5 minutes by default) would.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueName } from '../../helpers/kafka.js'
import { TestProducer } from '../../helpers/produce.js'
import { Member, waitFor } from '../../helpers/consume.js'

const producer = new TestProducer()
after(() => producer.close())

// the broker would otherwise create the topic itself (1 partition) on the consumer's Metadata request
const config = { 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 300, 'allow.auto.create.topics': false }
const joinedEmpty = (m: Member) => m.consumer.groupMetadata().generationId >= 0 && m.assignment().length === 0

test('a lone member (the leader) subscribed before its topic existed gets its partitions once it is created', async () => {
  const topic = uniqueName('later')
  const m = new Member('a', { ...config, 'group.id': uniqueName('g') }).subscribe([topic])
  try {
    m.start()
    await waitFor('a joined with nothing assigned', () => joinedEmpty(m))
    const generation = m.consumer.groupMetadata().generationId
    await producer.createTopic(topic, 2)
    await producer.send(topic, 0, [{ value: 'p0' }])
    await producer.send(topic, 1, [{ value: 'p1' }])
    await waitFor('a owns both partitions', () => m.assignment().length === 2, 15000)
    assert.deepEqual(m.assignment(), [`${topic}-0`, `${topic}-1`])
    assert.ok(m.consumer.groupMetadata().generationId > generation, 'the leader rejoined for the new topic')
    await waitFor('both records', () => m.records.length >= 2, 15000)
    assert.deepEqual(m.records.map((r) => r.value).sort(), ['p0', 'p1'])
  } finally {
    await m.close()
  }
})

test('two members: the leader rejoins when a topic only the other member subscribes to is created', async () => {
  const shared = uniqueName('shared')
  const later = uniqueName('later')
  await producer.createTopic(shared, 2)
  const group = uniqueName('g')
  const a = new Member('a', { ...config, 'group.id': group }).subscribe([shared])
  const b = new Member('b', { ...config, 'group.id': group }).subscribe([shared, later])
  try {
    // a joins first and leads; b joins with a topic that does not exist yet
    a.start()
    await waitFor('a owns the shared topic', () => a.assignment().length === 2)
    b.start()
    await waitFor('a and b split the shared topic', () => a.assignment().length === 1 && b.assignment().length === 1)
    assert.ok(b.assignment().every((p) => p.startsWith(`${shared}-`)), `b has nothing of ${later} yet: ${b.assignment().join(', ')}`)
    const generation = b.consumer.groupMetadata().generationId
    await producer.createTopic(later, 2)
    await producer.send(later, 0, [{ value: 'late-0' }])
    await producer.send(later, 1, [{ value: 'late-1' }])
    await waitFor(`b owns ${later}`, () => b.assignment().filter((p) => p.startsWith(`${later}-`)).length === 2, 15000)
    assert.ok(b.consumer.groupMetadata().generationId > generation, 'the group rebalanced')
    assert.ok(a.assignment().every((p) => p.startsWith(`${shared}-`)), `a, not subscribed to ${later}, got none of it: ${a.assignment().join(', ')}`)
    assert.equal(a.assignment().length + b.assignment().filter((p) => p.startsWith(`${shared}-`)).length, 2, 'the shared topic still has one owner per partition')
    await waitFor(`b reads ${later}`, () => b.records.filter((r) => r.topic === later).length >= 2, 15000)
    assert.deepEqual(b.records.filter((r) => r.topic === later).map((r) => r.value).sort(), ['late-0', 'late-1'])
  } finally {
    await Promise.all([a.close(), b.close()])
  }
})
