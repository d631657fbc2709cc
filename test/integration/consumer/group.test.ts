// Classic group membership: members split partitions (range, roundrobin) with
// nothing lost or duplicated while membership is stable; a member leaving
// and another taking over from the committed offsets; regex subscription.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueName } from '../../helpers/kafka.js'
import { TestProducer } from '../../helpers/produce.js'
import { Member, waitFor } from '../../helpers/consume.js'

const producer = new TestProducer()
after(() => producer.close())

const fast = { 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 300 }

for (const strategy of ['range', 'roundrobin'] as const) {
  test(`${strategy}: three members split six partitions; every record arrives exactly once`, async () => {
    const topic = uniqueName(`group-${strategy}`)
    await producer.createTopic(topic, 6)
    const group = uniqueName('g')
    const members = ['a', 'b', 'c'].map((n) => new Member(n, { ...fast, 'group.id': group, 'partition.assignment.strategy': strategy }).subscribe([topic]))
    try {
      for (const m of members) m.start()
      await waitFor('a stable three-way split', () => members.every((m) => m.assignment().length === 2))
      const owned = members.flatMap((m) => m.assignment())
      assert.equal(new Set(owned).size, 6, 'each partition has one owner')
      if (strategy === 'range') {
        // Range gives consecutive partitions to each member.
        for (const m of members) {
          const ps = m.assignment().map((p) => Number(p.split('-').pop())).sort()
          assert.equal(ps[1]! - ps[0]!, 1)
        }
      }
      await producer.fill(topic, 6, 3000)
      await waitFor('all records', () => members.reduce((n, m) => n + m.records.length, 0) >= 3000)
      await new Promise((r) => setTimeout(r, 300))
      const values = members.flatMap((m) => m.records.map((r) => r.value))
      assert.equal(values.length, 3000, 'no duplicates')
      assert.equal(new Set(values).size, 3000, 'no record lost')
      for (const m of members) for (const r of m.records) assert.ok(m.assignment().includes(`${r.topic}-${r.partition}`))
      const generations = new Set(members.map((m) => m.consumer.groupMetadata().generationId))
      assert.equal(generations.size, 1)
    } finally {
      await Promise.all(members.map((m) => m.close()))
    }
  })
}

test('a member leaving hands its partitions to another, which resumes from the committed offsets', async () => {
  const topic = uniqueName('group-takeover')
  await producer.createTopic(topic, 4)
  await producer.fill(topic, 4, 4000)
  const group = uniqueName('g')
  const config = { ...fast, 'group.id': group, 'enable.auto.commit': false, 'max.poll.records': 20 }
  const a = new Member('a', config).subscribe([topic])
  const b = new Member('b', config).subscribe([topic])
  const commit = (m: Member) => async () => {
    await new Promise((r) => setTimeout(r, 40)) // processing
    await m.consumer.commitSync()
  }
  try {
    a.start(commit(a))
    await waitFor('a owns everything', () => a.assignment().length === 4)
    b.start(commit(b))
    await waitFor('a and b split', () => a.assignment().length === 2 && b.assignment().length === 2)
    await waitFor('some progress', () => a.records.length > 100 && b.records.length > 100)
    await a.close()
    const revokedOnClose = a.events.filter((e) => e.type === 'revoked').pop()
    assert.equal(revokedOnClose?.partitions.length, 2, 'close revoked the partitions through the listener')
    await waitFor('b owns everything', () => b.assignment().length === 4)
    await waitFor('b finishes', () => a.records.length + b.records.length >= 4000, 30000)
    await new Promise((r) => setTimeout(r, 300))
    const values = [...a.records, ...b.records].map((r) => r.value)
    assert.equal(new Set(values).size, 4000, 'nothing lost')
    assert.equal(values.length, 4000, 'nothing read twice: b started where a committed')
  } finally {
    await a.close().catch(() => undefined)
    await b.close()
  }
})

test('a regex subscription picks up matching topics, including ones created later', async () => {
  const prefix = uniqueName('rx')
  await producer.createTopic(`${prefix}-one`, 1)
  await producer.send(`${prefix}-one`, 0, [{ value: 'one' }])
  const m = new Member('a', { ...fast, 'group.id': uniqueName('g'), 'metadata.max.age.ms': 500 }).subscribe(new RegExp(`^${prefix.replace(/[.-]/g, '\\$&')}-`))
  try {
    m.start()
    await waitFor('first topic', () => m.records.some((r) => r.value === 'one'))
    await producer.createTopic(`${prefix}-two`, 1)
    await producer.send(`${prefix}-two`, 0, [{ value: 'two' }])
    await waitFor('second topic', () => m.records.some((r) => r.value === 'two'), 20000)
    assert.deepEqual(m.consumer.subscription(), [`${prefix}-one`, `${prefix}-two`])
  } finally {
    await m.close()
  }
})

test('enforceRebalance() makes the group rebalance at the next poll', async () => {
  const topic = uniqueName('enforce')
  await producer.createTopic(topic, 2)
  const m = new Member('a', { ...fast, 'group.id': uniqueName('g') }).subscribe([topic])
  try {
    m.start()
    await waitFor('joined', () => m.assignment().length === 2)
    const generation = m.consumer.groupMetadata().generationId
    m.consumer.enforceRebalance('test')
    await waitFor('a new generation', () => m.consumer.groupMetadata().generationId > generation && m.assignment().length === 2)
    assert.deepEqual(m.events.map((e) => e.type), ['assigned', 'revoked', 'assigned'], 'eager: revoke then assign again')
  } finally {
    await m.close()
  }
})

test('unsubscribe() revokes through the listener and leaves; the consumer can then assign()', async () => {
  const topic = uniqueName('unsub')
  await producer.createTopic(topic, 2)
  await producer.fill(topic, 2, 10)
  const m = new Member('a', { ...fast, 'group.id': uniqueName('g'), 'enable.auto.commit': false }).subscribe([topic])
  try {
    for (let i = 0; i < 50 && m.assignment().length < 2; i++) await m.consumer.poll(200)
    assert.equal(m.assignment().length, 2)
    m.consumer.unsubscribe()
    assert.deepEqual(m.consumer.assignment(), [])
    assert.deepEqual(m.consumer.subscription(), [])
    assert.throws(() => m.consumer.enforceRebalance(), /not subscribed/)
    m.consumer.assign([{ topic, partition: 1 }])
    let n = 0
    for (let i = 0; i < 20 && n < 5; i++) n += (await m.consumer.poll(500)).count
    assert.equal(n, 5)
    assert.deepEqual(m.events.map((e) => e.type), ['assigned', 'revoked'])
    assert.equal(m.consumer.groupMetadata().generationId, -1)
  } finally {
    await m.consumer.close()
  }
})
