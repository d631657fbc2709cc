import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ASSIGNOR_BY_NAME, protocolNameOf, rebalanceProtocol, type MemberSubscription } from '../../../../src/consumer/group/assignors/index.js'
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../../../src/consumer/group/protocol.js'
import { consumerSchema } from '../../../../src/config/consumer.js'
import { AssignerProtocol, PartitionAssigners, assignorNames } from '../../../../src/kafkajs/assigners.js'

const a = ASSIGNOR_BY_NAME['kafkajs-roundrobin']
const m = (memberId: string, topics: string[]): MemberSubscription => ({ memberId, groupInstanceId: null, topics, ownedPartitions: [], generationId: -1, rackId: null })
const fmt = (r: Map<string, { topic: string; partition: number }[]>) => Object.fromEntries([...r].map(([k, v]) => [k, v.map((t) => `${t.topic}${t.partition}`)]))

test('kafkajs-roundrobin is offered as KafkaJS\'s "RoundRobinAssigner", eager only', () => {
  assert.equal(protocolNameOf(a), 'RoundRobinAssigner')
  assert.equal(rebalanceProtocol([a]), 'eager')
  assert.equal(protocolNameOf(ASSIGNOR_BY_NAME.roundrobin), 'roundrobin')
})

test('kafkajs-roundrobin deals partitions topic by topic to members sorted by member id, as KafkaJS', () => {
  // KafkaJS: partitions [t0 t1 t2 u0 u1] dealt to sorted ids [a, b]: a=t0,t2,u1  b=t1,u0
  const r = a.assign(new Map([['u', 2], ['t', 3]]), [m('b', ['t', 'u']), m('a', ['t', 'u'])])
  assert.deepEqual(fmt(r), { b: ['t1', 'u0'], a: ['t0', 't2', 'u1'] })
  // Member ids compare by UTF-16 code units (Array#sort), not by locale: 'B' < 'a'.
  assert.deepEqual(fmt(a.assign(new Map([['t', 2]]), [m('a', ['t']), m('B', ['t'])])), { a: ['t1'], B: ['t0'] })
  // A member not subscribed to a topic is skipped; one with nothing gets an empty entry.
  assert.deepEqual(fmt(a.assign(new Map([['t', 3], ['u', 1]]), [m('a', ['t']), m('b', ['u']), m('c', ['v'])])), { a: ['t0', 't1', 't2'], b: ['u0'], c: [] })
})

test('kafkajs-roundrobin writes the version 0 metadata and assignment KafkaJS writes', () => {
  const meta = encodeSubscription(['t', 'u'], [{ topic: 't', partition: 0 }], 3, 'rack', a.wireVersion)
  assert.deepEqual(meta, AssignerProtocol.MemberMetadata.encode({ version: 0, topics: ['t', 'u'], userData: Buffer.alloc(0) }))
  // version 0, [t, u], empty (not null) user data
  assert.equal(meta.toString('hex'), '0000' + '00000002' + '00017400017' + '5' + '00000000')
  const asg = encodeAssignment([{ topic: 't', partition: 2 }, { topic: 't', partition: 0 }], a.wireVersion)
  assert.deepEqual(asg, AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { t: [0, 2] }, userData: Buffer.alloc(0) }))
  assert.deepEqual(decodeAssignment(asg), [{ topic: 't', partition: 0 }, { topic: 't', partition: 2 }])
  assert.deepEqual(decodeSubscription('x', null, meta).topics, ['t', 'u'])
  // Other assignors keep version 3.
  assert.equal(encodeSubscription(['t'], [], 1, null).readInt16BE(0), 3)
})

test('partition.assignment.strategy accepts "kafkajs-roundrobin"; the facade uses it by default', () => {
  assert.deepEqual(consumerSchema.parse({ 'bootstrap.servers': 'x:1', 'partition.assignment.strategy': 'kafkajs-roundrobin, range' })['partition.assignment.strategy'], ['kafkajs-roundrobin', 'range'])
  assert.throws(() => consumerSchema.parse({ 'bootstrap.servers': 'x:1', 'partition.assignment.strategy': 'kafkajs' }), /unknown assignor .*kafkajs.*or .*kafkajs-roundrobin/)
  assert.deepEqual(assignorNames(undefined), ['kafkajs-roundrobin'])
  assert.deepEqual(assignorNames([PartitionAssigners.roundRobin]), ['kafkajs-roundrobin'])
})
