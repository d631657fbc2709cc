import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  ConfigResourceTypes,
  ConfigSource,
  KafkaJSDeleteGroupsError,
  KafkaJSNonRetriableError,
  KafkaJSNotImplemented,
  KafkaJSProtocolError,
  AclResourceTypes,
  AclOperationTypes,
  AclPermissionTypes,
  ResourcePatternTypes,
} from '../../../src/kafkajs/index.js'
import { createTopic, kafka, sharedClients, uniqueName, waitFor } from './helpers.js'

const { client, admin, producer } = sharedClients()

test('createTopics: true when created (leaders ready), false when they exist; listTopics, fetchTopicMetadata, createPartitions, deleteTopics', async () => {
  const a = uniqueName('adm')
  const b = uniqueName('adm')
  assert.equal(await admin.createTopics({ topics: [{ topic: a, numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] }), true)
  assert.equal(await admin.createTopics({ topics: [{ topic: a }, { topic: b, numPartitions: 1 }] }), false, 'a already existed; b was created')
  await admin.fetchOffsets({ groupId: uniqueName('g'), topics: [a] }) // a group look-up: __consumer_offsets exists after it, even on a fresh cluster
  const topics = await admin.listTopics()
  assert.ok(topics.includes(a) && topics.includes(b))
  assert.ok(topics.includes('__consumer_offsets'), 'internal topics are listed, as in KafkaJS')
  const meta = await admin.fetchTopicMetadata({ topics: [a] })
  assert.equal(meta.topics.length, 1)
  assert.equal(meta.topics[0]!.name, a)
  assert.deepEqual(meta.topics[0]!.partitions.map((p) => p.partitionId), [0, 1])
  for (const p of meta.topics[0]!.partitions) {
    assert.equal(p.partitionErrorCode, 0)
    assert.ok(p.leader >= 0)
    assert.deepEqual(p.isr, p.replicas)
  }
  assert.equal(await admin.createPartitions({ topicPartitions: [{ topic: a, count: 4 }] }), true)
  await waitFor(async () => (await admin.fetchTopicMetadata({ topics: [a] })).topics[0]!.partitions.length === 4, '4 partitions')
  await assert.rejects(admin.createPartitions({ topicPartitions: [{ topic: a, count: 5, assignments: [[1]] }] }), KafkaJSNotImplemented)
  await assert.rejects(admin.createTopics({ topics: [{ topic: 'x' }, { topic: 'x' }] }), /cannot have multiple entries for the same topic/)
  await admin.deleteTopics({ topics: [a, b] })
  await waitFor(async () => !(await admin.listTopics()).includes(a), 'deletion')
  await assert.rejects(admin.fetchTopicMetadata({ topics: [a] }), (e: Error) => e instanceof KafkaJSProtocolError && e.type === 'UNKNOWN_TOPIC_OR_PARTITION')
})

test('fetchTopicOffsets and fetchTopicOffsetsByTimestamp', async () => {
  const topic = await createTopic(admin, 2)
  await producer.send({ topic, messages: [0, 1, 2].map((i) => ({ value: String(i), partition: 0, timestamp: String(1_700_000_000_000 + i * 1000) })) })
  assert.deepEqual(await admin.fetchTopicOffsets(topic), [
    { partition: 0, offset: '3', high: '3', low: '0' },
    { partition: 1, offset: '0', high: '0', low: '0' },
  ])
  assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp(topic, 1_700_000_001_000), [{ partition: 0, offset: '1' }, { partition: 1, offset: '0' }])
  assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp(topic, 1_800_000_000_000), [{ partition: 0, offset: '3' }, { partition: 1, offset: '0' }], 'no later record: the high watermark')
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '2' }] })
  assert.equal((await admin.fetchTopicOffsets(topic))[0]!.low, '2')
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '-1' }] })
  assert.equal((await admin.fetchTopicOffsets(topic))[0]!.low, '3')
})

test('setOffsets, resetOffsets and fetchOffsets (with resolveOffsets) for an idle group; refused while it runs', async () => {
  const topic = await createTopic(admin, 2)
  await producer.send({ topic, messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }, { value: 'c', partition: 1 }] })
  const groupId = uniqueName('g')
  assert.deepEqual(await admin.fetchOffsets({ groupId, topics: [topic] }), [
    { topic, partitions: [{ partition: 0, offset: '-1', metadata: null }, { partition: 1, offset: '-1', metadata: null }] },
  ])
  await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] })
  assert.deepEqual(await admin.fetchOffsets({ groupId }), [{ topic, partitions: [{ partition: 0, offset: '1', metadata: null }] }], 'without topics: what the group committed')
  assert.deepEqual(await admin.fetchOffsets({ groupId, topics: [topic], resolveOffsets: true }), [
    { topic, partitions: [{ partition: 0, offset: '1', metadata: null }, { partition: 1, offset: '1', metadata: null }] },
  ])
  assert.deepEqual((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.map((p) => p.offset), ['1', '1'], 'resolved offsets were committed')
  await admin.resetOffsets({ groupId, topic, earliest: true })
  assert.deepEqual((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.map((p) => p.offset), ['0', '0'])
  await admin.resetOffsets({ groupId, topic, earliest: false })
  assert.deepEqual((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.map((p) => p.offset), ['2', '1'])
  await admin.setOffsets({ groupId, topic, partitions: [{ partition: 1, offset: '-2' }] })
  assert.deepEqual((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.map((p) => p.offset), ['2', '0'])

  const consumer = client.consumer({ groupId })
  await consumer.subscribe({ topic })
  await consumer.run({ eachMessage: async () => undefined })
  try {
    await assert.rejects(admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '0' }] }), (e: Error) => e instanceof KafkaJSNonRetriableError && /must have no running instances, current state: Stable/.test(e.message))
  } finally {
    await consumer.disconnect()
  }
})

test('describeCluster, listGroups, describeGroups, deleteGroups', async () => {
  const cluster = await admin.describeCluster()
  assert.ok(cluster.brokers.length >= 1)
  assert.ok(typeof cluster.clusterId === 'string' && cluster.clusterId.length > 0)
  assert.ok(cluster.controller === null || typeof cluster.controller === 'number')
  assert.deepEqual(Object.keys(cluster.brokers[0]!).sort(), ['host', 'nodeId', 'port'])

  const topic = await createTopic(admin)
  const groupId = uniqueName('g')
  await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '0' }] })
  const { groups } = await admin.listGroups()
  assert.ok(groups.some((g) => g.groupId === groupId))
  const missing = uniqueName('none')
  const described = await admin.describeGroups([groupId, missing])
  assert.equal(described.groups[0]!.groupId, groupId)
  assert.equal(described.groups[0]!.state, 'Empty')
  assert.deepEqual(described.groups[1], { groupId: missing, members: [], protocol: '', protocolType: '', state: 'Dead' })
  assert.deepEqual(await admin.deleteGroups([groupId]), [{ groupId, errorCode: 0 }])
  await assert.rejects(admin.deleteGroups([missing]), (e: Error) => {
    assert.ok(e instanceof KafkaJSDeleteGroupsError)
    assert.equal(e.groups[0]!.groupId, missing)
    assert.equal(e.groups[0]!.errorCode, 69)
    return true
  })
})

test("describeConfigs and alterConfigs (KafkaJS's replace semantics)", async () => {
  const topic = await createTopic(admin)
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '7200000' }, { name: 'cleanup.policy', value: 'compact' }] }] })
  const read = async () => {
    const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }] })
    assert.equal(res.resources.length, 1)
    assert.equal(res.resources[0]!.resourceType, ConfigResourceTypes.TOPIC)
    assert.equal(res.resources[0]!.errorCode, 0)
    return Object.fromEntries(res.resources[0]!.configEntries.map((e) => [e.configName, [e.configValue, e.configSource, e.isDefault]]))
  }
  // Config changes reach the brokers through the metadata log: wait for them to show.
  await waitFor(async () => (await read())['cleanup.policy']![0] === 'compact', 'the first change')
  assert.deepEqual(await read(), { 'retention.ms': ['7200000', ConfigSource.TOPIC_CONFIG, false], 'cleanup.policy': ['compact', ConfigSource.TOPIC_CONFIG, false] })
  // AlterConfigs replaces: cleanup.policy, left out, goes back to its default
  const r = await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] })
  assert.deepEqual(r.resources, [{ errorCode: 0, errorMessage: null, resourceName: topic, resourceType: ConfigResourceTypes.TOPIC }])
  await waitFor(async () => (await read())['cleanup.policy']![0] === 'delete', 'the replacement')
  const after = await read()
  assert.deepEqual(after['retention.ms'], ['3600000', ConfigSource.TOPIC_CONFIG, false])
  assert.equal(after['cleanup.policy']![0], 'delete')
  assert.notEqual(after['cleanup.policy']![1], ConfigSource.TOPIC_CONFIG)
  const broker = String((await admin.describeCluster()).brokers[0]!.nodeId)
  const b = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.BROKER, name: broker, configNames: ['num.partitions'] }] })
  assert.equal(b.resources[0]!.configEntries[0]!.configName, 'num.partitions')
  assert.ok(b.resources[0]!.configEntries[0]!.configSynonyms.length >= 1)
  await assert.rejects(admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 99 as ConfigResourceTypes, name: 'x' }] }), /Invalid resource type 99/)
})

test('ACL calls on a broker without an authorizer reject with SECURITY_DISABLED; reassignment calls with KafkaJSNotImplemented', async () => {
  // the ACL round trip itself is in test/integration/security/authorization.test.ts (a broker with an authorizer)
  const filter = { resourceType: AclResourceTypes.TOPIC, resourcePatternType: ResourcePatternTypes.LITERAL, operation: AclOperationTypes.ALL, permissionType: AclPermissionTypes.ALLOW }
  await assert.rejects(admin.describeAcls(filter), (e: unknown) => e instanceof KafkaJSProtocolError && e.type === 'SECURITY_DISABLED')
  await assert.rejects(admin.createAcls({ acl: [] }), KafkaJSNonRetriableError)
  await assert.rejects(admin.listPartitionReassignments({}), KafkaJSNotImplemented)
})

test('admin events and a connect() that cannot reach a broker', async () => {
  const other = client.admin()
  const seen: string[] = []
  other.on(other.events.CONNECT, (e) => void seen.push(e.type))
  other.on(other.events.DISCONNECT, (e) => void seen.push(e.type))
  await other.connect()
  await other.disconnect()
  assert.deepEqual(seen, ['admin.connect', 'admin.disconnect'])
  const unreachable = kafka({ brokers: ['127.0.0.1:1'], connectionTimeout: 200, retry: { retries: 1, initialRetryTime: 100 } }).admin()
  const t0 = Date.now()
  await assert.rejects(unreachable.connect(), (e: Error) => /KafkaJS(NumberOfRetriesExceeded|ConnectionError)/.test(e.name))
  assert.ok(Date.now() - t0 < 10000, 'gives up after about the retry budget')
})
