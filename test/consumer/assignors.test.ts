import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ASSIGNOR_BY_NAME, cooperativeAdjust, rebalanceProtocol, type MemberSubscription } from '../../src/consumer/group/assignors/index.js'
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../src/consumer/group/protocol.js'
import type { TopicPartition } from '../../src/index.js'

const m = (memberId: string, topics: string[], owned: TopicPartition[] = [], generationId = 1, groupInstanceId: string | null = null): MemberSubscription =>
  ({ memberId, groupInstanceId, topics, ownedPartitions: owned, generationId, rackId: null })
const fmt = (a: Map<string, TopicPartition[]>) => Object.fromEntries([...a].map(([k, v]) => [k, v.map((t) => `${t.topic}${t.partition}`).sort()]))
const counts = (o: Record<string, number>) => new Map(Object.entries(o))

test('range: consecutive ranges per topic, extras to the first members (Java RangeAssignor)', () => {
  const r = ASSIGNOR_BY_NAME.range.assign(counts({ t: 7, u: 2 }), [m('c', ['t', 'u']), m('a', ['t', 'u']), m('b', ['t'])])
  assert.deepEqual(fmt(r), { c: ['t5', 't6', 'u1'], a: ['t0', 't1', 't2', 'u0'], b: ['t3', 't4'] })
})

test('range and roundrobin order static members by group.instance.id', () => {
  const r = ASSIGNOR_BY_NAME.range.assign(counts({ t: 2 }), [m('a', ['t'], [], 1, 'z'), m('b', ['t'], [], 1, 'y')])
  assert.deepEqual(fmt(r), { a: ['t1'], b: ['t0'] })
})

test('roundrobin: partitions dealt in turn, skipping members not subscribed', () => {
  const r = ASSIGNOR_BY_NAME.roundrobin.assign(counts({ t: 3, u: 3 }), [m('a', ['t', 'u']), m('b', ['t', 'u']), m('c', ['u'])])
  assert.deepEqual(fmt(r), { a: ['t0', 't2', 'u2'], b: ['t1', 'u0'], c: ['u1'] })
})

test('cooperative-sticky: balanced, keeps owned partitions, moves the minimum', () => {
  const a = ASSIGNOR_BY_NAME['cooperative-sticky']
  const owned = [0, 1, 2, 3, 4, 5].map((partition) => ({ topic: 't', partition }))
  const r = a.assign(counts({ t: 6 }), [m('a', ['t'], owned), m('b', ['t'])])
  const f = fmt(r)
  assert.equal(f.a!.length, 3)
  assert.equal(f.b!.length, 3)
  for (const p of f.a!) assert.ok(['t0', 't1', 't2', 't3', 't4', 't5'].includes(p))
  // The cooperative round withholds what moves from its owner.
  const adjusted = fmt(cooperativeAdjust(r, [m('a', ['t'], owned), m('b', ['t'])]))
  assert.deepEqual(adjusted.a, f.a)
  assert.deepEqual(adjusted.b, [])
  // Three members, 7 partitions: within one of each other, nothing moves that need not.
  const r3 = fmt(a.assign(counts({ t: 7 }), [
    m('a', ['t'], [0, 1, 2].map((p) => ({ topic: 't', partition: p }))),
    m('b', ['t'], [3, 4, 5, 6].map((p) => ({ topic: 't', partition: p }))),
    m('c', ['t']),
  ]))
  const sizes = Object.values(r3).map((l) => l.length).sort()
  assert.deepEqual(sizes, [2, 2, 3])
  assert.ok(['t0', 't1'].every((p) => r3.a!.includes(p)))
  // A conflict over ownership goes to the higher generation.
  const conflict = fmt(a.assign(counts({ t: 2 }), [m('a', ['t'], [{ topic: 't', partition: 0 }], 1), m('b', ['t'], [{ topic: 't', partition: 0 }], 2)]))
  assert.deepEqual(conflict, { a: ['t1'], b: ['t0'] })
  // Different subscriptions.
  const mixed = fmt(a.assign(counts({ t: 2, u: 4 }), [m('a', ['t', 'u']), m('b', ['u'])]))
  assert.equal(mixed.a!.length + mixed.b!.length, 6)
  assert.ok(mixed.b!.every((p) => p.startsWith('u')))
  assert.equal(mixed.a!.length, 3)
})

test('the rebalance protocol is cooperative only when every assignor supports it', () => {
  assert.equal(rebalanceProtocol([ASSIGNOR_BY_NAME.range, ASSIGNOR_BY_NAME['cooperative-sticky']]), 'eager')
  assert.equal(rebalanceProtocol([ASSIGNOR_BY_NAME['cooperative-sticky']]), 'cooperative')
})

test('subscription and assignment round-trip through the embedded protocol (version 3)', () => {
  const sub = encodeSubscription(['a', 'b'], [{ topic: 'a', partition: 2 }, { topic: 'a', partition: 0 }], 7, 'rack-1')
  assert.equal(sub.readInt16BE(0), 3)
  const d = decodeSubscription('m1', 'i1', sub)
  assert.deepEqual(d, { memberId: 'm1', groupInstanceId: 'i1', topics: ['a', 'b'], ownedPartitions: [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 2 }], generationId: 7, rackId: 'rack-1' })
  const tps = [{ topic: 'x', partition: 1 }, { topic: 'y', partition: 0 }]
  assert.deepEqual(decodeAssignment(encodeAssignment(tps)), tps)
  assert.deepEqual(decodeAssignment(Buffer.alloc(0)), [])
  assert.throws(() => decodeSubscription('m', null, Buffer.from([0, 3, 0, 0])), /subscription|malformed|bytes/i)
})
