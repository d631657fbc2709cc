// Incremental cooperative rebalancing (KIP-429) and static membership (KIP-345).
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueName } from '../../helpers/kafka.js'
import { TestProducer } from '../../helpers/produce.js'
import { Member, waitFor } from '../../helpers/consume.js'

const producer = new TestProducer()
after(() => producer.close())

const fast = { 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 300 }

test('cooperative-sticky moves only the partitions that must move', async () => {
  const topic = uniqueName('coop')
  await producer.createTopic(topic, 6)
  const group = uniqueName('g')
  const config = { ...fast, 'group.id': group, 'partition.assignment.strategy': 'cooperative-sticky' }
  const a = new Member('a', config).subscribe([topic])
  const b = new Member('b', config).subscribe([topic])
  const c = new Member('c', config).subscribe([topic])
  try {
    a.start()
    await waitFor('a owns all six', () => a.assignment().length === 6)
    const before = a.assignment()
    b.start()
    await waitFor('a and b split 3/3', () => a.assignment().length === 3 && b.assignment().length === 3)
    // a gave up three partitions and kept three, and was never asked to revoke the ones it kept.
    const revokedByA = a.events.filter((e) => e.type === 'revoked').flatMap((e) => e.partitions)
    assert.equal(revokedByA.length, 3, `a revoked only what moved: ${JSON.stringify(a.events)}`)
    assert.deepEqual(revokedByA.sort(), b.assignment())
    for (const p of a.assignment()) assert.ok(before.includes(p))
    c.start()
    await waitFor('2/2/2', () => [a, b, c].every((m) => m.assignment().length === 2))
    const keptA = a.assignment()
    const keptB = b.assignment()
    // Each of a and b gave exactly one partition to c.
    assert.equal(a.events.filter((e) => e.type === 'revoked').flatMap((e) => e.partitions).length, 4)
    assert.equal(b.events.filter((e) => e.type === 'revoked').flatMap((e) => e.partitions).length, 1)
    await c.close()
    await waitFor('3/3 again', () => a.assignment().length === 3 && b.assignment().length === 3)
    for (const p of keptA) assert.ok(a.assignment().includes(p), 'a kept its partitions when c left')
    for (const p of keptB) assert.ok(b.assignment().includes(p), 'b kept its partitions when c left')
    assert.equal(a.events.filter((e) => e.type === 'lost').length, 0)
    // Records keep flowing to the right owner.
    await producer.fill(topic, 6, 600)
    await waitFor('records', () => a.records.length + b.records.length + c.records.length >= 600)
  } finally {
    await Promise.all([a, b, c].map((m) => m.close()))
  }
})

test('a static member that restarts within the session timeout gets its partitions back without a rebalance', async () => {
  const topic = uniqueName('static')
  await producer.createTopic(topic, 4)
  const group = uniqueName('g')
  const config = (id: string) => ({ ...fast, 'session.timeout.ms': 10000, 'group.id': group, 'group.instance.id': id })
  const a = new Member('a', config('instance-a')).subscribe([topic])
  let b = new Member('b', config('instance-b')).subscribe([topic])
  try {
    a.start()
    b.start()
    await waitFor('2/2', () => a.assignment().length === 2 && b.assignment().length === 2)
    const generation = a.consumer.groupMetadata().generationId
    const eventsOfA = a.events.length
    const owned = b.assignment()
    await b.close() // a static member does not leave the group on close
    b = new Member('b2', config('instance-b')).subscribe([topic])
    b.start()
    await waitFor('b is back', () => b.assignment().length === 2)
    assert.deepEqual(b.assignment(), owned, 'the same partitions')
    await new Promise((r) => setTimeout(r, 1500))
    assert.equal(a.consumer.groupMetadata().generationId, generation, 'no rebalance: generation unchanged')
    assert.equal(a.events.length, eventsOfA, 'a saw no revocation or assignment')
    assert.equal(a.assignment().length, 2)
  } finally {
    await Promise.all([a.close(), b.close()])
  }
})
