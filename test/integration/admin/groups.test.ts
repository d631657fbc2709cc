import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, KafkaError } from '../../../src/index.js'
import { bootstrapServers, supportsConsumerGroupProtocol, uniqueName } from '../../helpers/kafka.js'
import { joinClassic, joinConsumerProtocol, produceRaw } from './raw-clients.js'

function admin() {
  return new Admin({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'samsa-test' })
}

test('offsets of a group: alter, list with log-end offsets and lag, describe, list, delete', async () => {
  const a = admin()
  const topic = uniqueName('grp-topic')
  const group = uniqueName('grp-simple')
  try {
    await a.createTopics([{ topic, numPartitions: 3 }])
    await produceRaw(topic, 0, 10)
    await produceRaw(topic, 1, 4)
    await a.alterConsumerGroupOffsets(group, [
      { topic, partition: 0, offset: 3n, metadata: 'by-test' },
      { topic, partition: 1, offset: 4n },
    ])
    const offsets = await a.listConsumerGroupOffsets(group)
    assert.deepEqual(
      offsets.map((o) => [o.topic, o.partition, o.offset, o.logEndOffset, o.lag]),
      [
        [topic, 0, 3n, 10n, 7n],
        [topic, 1, 4n, 4n, 0n],
      ],
    )
    assert.equal(offsets[0]!.metadata, 'by-test')
    // Asking for a partition without a commit gives offset -1 and no lag.
    const some = await a.listConsumerGroupOffsets(group, { partitions: [{ topic, partition: 2 }, { topic, partition: 0 }] })
    assert.deepEqual(
      some.map((o) => [o.partition, o.offset, o.logEndOffset, o.lag]),
      [
        [0, 3n, 10n, 7n],
        [2, -1n, 0n, null],
      ],
    )

    const listed = await a.listConsumerGroups()
    const mine = listed.find((g) => g.groupId === group)
    assert.ok(mine, `group listed among ${listed.length}`)
    assert.equal(mine.state, 'Empty')
    assert.equal(mine.isSimpleConsumerGroup, true)
    assert.ok(mine.type === 'classic' || mine.type === null)
    assert.ok((await a.listConsumerGroups({ states: ['Stable'] })).every((g) => g.state === 'Stable'))

    const [d] = await a.describeConsumerGroups([group])
    assert.equal(d!.groupId, group)
    assert.equal(d!.state, 'Empty')
    assert.equal(d!.type, 'classic')
    assert.deepEqual(d!.members, [])
    assert.ok(d!.coordinator.nodeId >= 0)

    await a.deleteConsumerGroups([group])
    assert.deepEqual(await a.listConsumerGroupOffsets(group), [])
    await assert.rejects(a.describeConsumerGroups([group]), (e: unknown) => {
      assert.ok(e instanceof KafkaError)
      assert.equal(e.type, 'GROUP_ID_NOT_FOUND')
      assert.match(e.message, new RegExp(group))
      return true
    })
    await assert.rejects(a.deleteConsumerGroups([group]), (e: unknown) => e instanceof KafkaError && e.type === 'GROUP_ID_NOT_FOUND')
  } finally {
    await a.deleteTopics([topic]).catch(() => {})
    await a.close()
  }
})

test('a classic group with a member: described with its assignment; offsets cannot be altered nor the group deleted', async () => {
  const a = admin()
  const topic = uniqueName('grp-classic')
  const group = uniqueName('grp-classic')
  await a.createTopics([{ topic, numPartitions: 2 }])
  const member = await joinClassic(group, topic, [0, 1], 'classic-client')
  try {
    const [d] = await a.describeConsumerGroups([group])
    assert.equal(d!.type, 'classic')
    assert.equal(d!.state, 'Stable')
    assert.equal(d!.partitionAssignor, 'range')
    assert.equal(d!.isSimpleConsumerGroup, false)
    assert.equal(d!.members.length, 1)
    const m = d!.members[0]!
    assert.equal(m.memberId, member.memberId)
    assert.equal(m.clientId, 'classic-client')
    assert.match(m.host, /127\.0\.0\.1|localhost/)
    assert.deepEqual(m.assignment, [
      { topic, partition: 0 },
      { topic, partition: 1 },
    ])
    const listed = (await a.listConsumerGroups()).find((g) => g.groupId === group)
    assert.equal(listed?.state, 'Stable')

    await assert.rejects(a.alterConsumerGroupOffsets(group, [{ topic, partition: 0, offset: 0n }]), (e: unknown) => {
      assert.ok(e instanceof KafkaError)
      assert.match(e.message, /active members/)
      assert.ok(e.code !== undefined, 'carries the broker error code')
      return true
    })
    await assert.rejects(a.deleteConsumerGroups([group]), (e: unknown) => e instanceof KafkaError && e.type === 'NON_EMPTY_GROUP')
  } finally {
    await member.leave()
    await a.deleteConsumerGroups([group]).catch(() => {})
    await a.deleteTopics([topic]).catch(() => {})
    await a.close()
  }
})

test('a KIP-848 consumer group is described with ConsumerGroupDescribe', { skip: !supportsConsumerGroupProtocol() }, async () => {
  const a = admin()
  const topic = uniqueName('grp-848')
  const group = uniqueName('grp-848')
  await a.createTopics([{ topic, numPartitions: 2 }])
  const member = await joinConsumerProtocol(group, topic, 2, 'kip848-client')
  try {
    const [d] = await a.describeConsumerGroups([group])
    assert.equal(d!.type, 'consumer')
    assert.equal(d!.state, 'Stable')
    assert.equal(d!.partitionAssignor, 'uniform')
    assert.equal(d!.members.length, 1)
    const m = d!.members[0]!
    assert.equal(m.memberId, member.memberId)
    assert.equal(m.clientId, 'kip848-client')
    assert.deepEqual(m.assignment, [
      { topic, partition: 0 },
      { topic, partition: 1 },
    ])
    assert.ok((m.memberEpoch ?? 0) > 0)
    assert.ok((d!.groupEpoch ?? 0) > 0)
    const listed = (await a.listConsumerGroups()).find((g) => g.groupId === group)
    assert.equal(listed?.type, 'consumer')
    assert.equal(listed?.state, 'Stable')
    await assert.rejects(a.alterConsumerGroupOffsets(group, [{ topic, partition: 0, offset: 0n }]), (e: unknown) => {
      assert.ok(e instanceof KafkaError)
      assert.match(e.message, /active members/)
      return true
    })
  } finally {
    await member.leave()
    await a.deleteConsumerGroups([group]).catch(() => {})
    await a.deleteTopics([topic]).catch(() => {})
    await a.close()
  }
})

test('describing several groups reports every missing one', async () => {
  const a = admin()
  const [g1, g2] = [uniqueName('grp-none'), uniqueName('grp-none')]
  try {
    await assert.rejects(a.describeConsumerGroups([g1, g2]), (e: unknown) => {
      assert.ok(e instanceof KafkaError)
      assert.equal(e.type, 'GROUP_ID_NOT_FOUND')
      assert.match(e.message, new RegExp(g1))
      assert.match(e.message, new RegExp(g2))
      assert.equal((e.context.errors as unknown[]).length, 2)
      return true
    })
  } finally {
    await a.close()
  }
})
