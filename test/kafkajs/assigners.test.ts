import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AssignerProtocol, PartitionAssigners, KafkaJSNonRetriableError } from '../../src/kafkajs/index.js'
import { assignorNames } from '../../src/kafkajs/assigners.js'

// The consumer protocol's version-0 layouts, written out by hand:
// MemberMetadata:   int16 version, array<string> topics (int32 count, int16 length + UTF-8), bytes userData (int32 length)
// MemberAssignment: int16 version, array<{ string topic, array<int32> partitions }>, bytes userData
test('MemberMetadata encodes the version-0 subscription layout and decodes it back', () => {
  const bytes = AssignerProtocol.MemberMetadata.encode({ version: 0, topics: ['ab', 'c'], userData: Buffer.from([9]) })
  assert.equal(bytes.toString('hex'), '0000' + '00000002' + '0002' + '6162' + '0001' + '63' + '00000001' + '09')
  assert.deepEqual(AssignerProtocol.MemberMetadata.decode(bytes), { version: 0, topics: ['ab', 'c'], userData: Buffer.from([9]) })
})

test('MemberAssignment encodes the version-0 assignment layout and decodes it back', () => {
  const bytes = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { t: [0, 2] }, userData: Buffer.alloc(0) })
  assert.equal(bytes.toString('hex'), '0000' + '00000001' + '0001' + '74' + '00000002' + '00000000' + '00000002' + '00000000')
  assert.deepEqual(AssignerProtocol.MemberAssignment.decode(bytes), { version: 0, assignment: { t: [0, 2] }, userData: Buffer.alloc(0) })
  assert.equal(AssignerProtocol.MemberAssignment.decode(Buffer.alloc(0)), null)
})

test("built-in assigners select samsa's assignors; custom ones are refused", () => {
  assert.deepEqual(assignorNames(undefined), ['kafkajs-roundrobin'])
  assert.deepEqual(assignorNames([PartitionAssigners.roundRobin, PartitionAssigners.range, PartitionAssigners.roundRobin]), ['kafkajs-roundrobin', 'range'])
  assert.deepEqual(assignorNames([PartitionAssigners.cooperativeSticky]), ['cooperative-sticky'])
  const custom = () => ({ name: 'Mine', version: 1, assign: async () => [], protocol: () => ({ name: 'Mine', metadata: Buffer.alloc(0) }) })
  assert.throws(() => assignorNames([custom as never]), (e: Error) => e instanceof KafkaJSNonRetriableError && /custom partition assigners are not supported/.test(e.message))
  assert.throws(() => assignorNames([]), /non-empty array/)
  const a = PartitionAssigners.roundRobin({ cluster: {} as never, groupId: 'g', logger: {} as never })
  assert.equal(a.name, 'RoundRobinAssigner')
  assert.deepEqual(AssignerProtocol.MemberMetadata.decode(a.protocol({ topics: ['x'] }).metadata)!.topics, ['x'])
})
