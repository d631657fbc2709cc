// FakeKafka: start-up, fault injection, and where it differs from Kafka (each difference asserted here).
import { once } from 'node:events'
import net from 'node:net'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, KafkaError, Producer, serializers } from '../../src/index.js'
import { ErrorCode } from '../../src/protocol/errors.js'
import { FakeKafka } from '../../src/testing/index.js'

test('listen() starts three brokers quickly and close() releases them', async () => {
  const fake = new FakeKafka({ brokers: 3 })
  const t0 = performance.now()
  const bootstrap = await fake.listen()
  const took = performance.now() - t0
  try {
    assert.equal(bootstrap.split(',').length, 3)
    assert.ok(took < 1000, `started in ${took.toFixed(1)} ms`)
    const admin = new Admin({ 'bootstrap.servers': bootstrap })
    try {
      await admin.createTopics([{ topic: 't1', numPartitions: 3, replicationFactor: 3 }])
      assert.deepEqual((await admin.listTopics()).sort(), ['t1'])
    } finally {
      await admin.close()
    }
  } finally {
    await fake.close()
  }
})

test('failNext makes the next Produce requests fail with a retriable code; the producer retries them', async () => {
  const fake = new FakeKafka({ brokers: 1 })
  const bootstrap = await fake.listen()
  fake.createTopic('orders', { partitions: 1 })
  const p = new Producer({ 'bootstrap.servers': bootstrap, 'value.serializer': serializers.string, 'retry.backoff.ms': 10 })
  try {
    fake.failNext('Produce', 'NOT_LEADER_OR_FOLLOWER', 2)
    const md = await p.send({ topic: 'orders', value: 'a' })
    assert.equal(md.offset, 0n)
    assert.equal(fake.highWatermark('orders', 0), 1n)
  } finally {
    await p.close()
    await fake.close()
  }
})

test('failNext with a non-retriable code: samsa believes it only when repeated, so n=1 is retried and n=2 fails the send', async () => {
  // src/cluster/confirm.ts: a non-retriable broker code may be a damaged frame; the client asks once more.
  const fake = new FakeKafka({ brokers: 1 })
  const bootstrap = await fake.listen()
  fake.createTopic('strict', { partitions: 1 })
  const p = new Producer({ 'bootstrap.servers': bootstrap, 'value.serializer': serializers.string, 'retry.backoff.ms': 10 })
  try {
    fake.failNext('Produce', 'INVALID_RECORD', 1)
    const md = await p.send({ topic: 'strict', value: 'once' })
    assert.equal(md.offset, 0n)
    assert.equal(fake.highWatermark('strict', 0), 1n)

    fake.failNext('Produce', 'INVALID_RECORD', 2)
    await assert.rejects(p.send({ topic: 'strict', value: 'twice' }), (err: unknown) => {
      assert.ok(err instanceof KafkaError, `a KafkaError, not ${String(err)}`)
      assert.equal(err.code, ErrorCode.INVALID_RECORD)
      return true
    })
    assert.equal(fake.highWatermark('strict', 0), 1n)
  } finally {
    await p.close()
    await fake.close()
  }
})

test('killBroker moves leadership to a live replica; the producer follows it', async () => {
  const fake = new FakeKafka({ brokers: 2 })
  const bootstrap = await fake.listen()
  fake.createTopic('moving', { partitions: 1, replicationFactor: 2 })
  const p = new Producer({ 'bootstrap.servers': bootstrap, 'value.serializer': serializers.string, 'retry.backoff.ms': 10 })
  try {
    await p.send({ topic: 'moving', value: 'before' })
    const leader = fake.topic('moving')!.partitions[0]!.leader
    await fake.killBroker(leader)
    assert.notEqual(fake.topic('moving')!.partitions[0]!.leader, leader)
    const md = await p.send({ topic: 'moving', value: 'after' })
    assert.equal(md.offset, 1n)
    await fake.reviveBroker(leader)
  } finally {
    await p.close()
    await fake.close()
  }
})

test('differs from Kafka: transactions v1 only (no transaction.version feature, Produce <= v11, EndTxn <= v4), unknown APIs are not advertised', async () => {
  // Without a finalized transaction.version >= 2 in ApiVersions, Java 4.x and samsa use transactions v1 (explicit AddPartitionsToTxn).
  const { buildHandlers } = await import('../../src/testing/fake-kafka/apis.js')
  const handlers = buildHandlers()
  const keys = [...handlers.keys()]
  assert.equal(handlers.get(0)!.maxVersion, 11, 'Produce v12 (KIP-890) is not offered')
  assert.equal(handlers.get(26)!.maxVersion, 4, 'EndTxn v5 (KIP-890) is not offered')
  assert.equal(handlers.get(24)!.maxVersion, 3, 'AddPartitionsToTxn v4+ (broker verification) is not offered')
  const apiVersions = handlers.get(18)!.handle({} as never, {} as never) as { finalizedFeatures?: unknown[] }
  assert.equal(apiVersions.finalizedFeatures, undefined, 'no finalized features (transaction.version) are advertised')
  assert.ok(!keys.includes(29), 'DescribeAcls is not advertised')
  assert.ok(keys.includes(68), 'ConsumerGroupHeartbeat is advertised')
  assert.ok(keys.includes(1) && handlers.get(1)!.maxVersion >= 7, 'Fetch with sessions (v7+) is advertised')
})

test('bad options fail in the constructor with a message naming the option', () => {
  assert.throws(() => new FakeKafka({ brokers: 0 }), /brokers must be an integer from 1 to 64/)
  assert.throws(() => new FakeKafka({ brokers: 2, ports: [1] }), /one port per broker/)
  assert.throws(() => new FakeKafka().failNext('Nope', 'NONE'), /unknown API Nope/)
})

test('differs from Kafka: DescribeGroups (up to v5) answers Dead for a KIP-848 group; a killed broker forgets its fetch sessions', async () => {
  const { ClusterState } = await import('../../src/testing/fake-kafka/cluster.js')
  const { GroupCoordinator } = await import('../../src/testing/fake-kafka/group-coordinator.js')
  const groups = new GroupCoordinator(new ClusterState(true, 1))
  try {
    const r = groups.consumer.heartbeat({ groupId: 'g848', memberId: 'm1', memberEpoch: 0, instanceId: null, rebalanceTimeoutMs: 30000, subscribedTopicNames: [], subscribedTopicRegex: null, topicPartitions: [] }, false)
    assert.equal(r.errorCode, ErrorCode.NONE)
    assert.equal(groups.describeClassic('g848').groupState, 'Dead')
    assert.deepEqual(groups.listGroups().map((g) => [g.groupId, g.groupType]), [['g848', 'consumer']])
  } finally {
    groups.close()
  }

  const fake = new FakeKafka({ brokers: 2 })
  const bootstrap = await fake.listen()
  fake.createTopic('kill-sessions', { partitions: 1, replicationFactor: 2 })
  const { Consumer } = await import('../../src/index.js')
  const c = new Consumer({ 'bootstrap.servers': bootstrap, 'group.id': 'ks', 'auto.offset.reset': 'earliest' })
  try {
    c.subscribe(['kill-sessions'])
    const leader = fake.topic('kill-sessions')!.partitions[0]!.leader
    const deadline = Date.now() + 60_000
    while (fake.fetchSessions(leader).length === 0 && Date.now() < deadline) await c.poll(200)
    assert.equal(fake.fetchSessions(leader).length, 1)
    await fake.killBroker(leader)
    assert.deepEqual(fake.fetchSessions(leader), [])
  } finally {
    await c.close()
    await fake.close()
  }
})

test('a request the fake cannot answer closes its connection and is reported: to onError, else as a SAMSA_FAKE_KAFKA warning', async () => {
  // ApiVersions v3 whose client software name claims 30,000 bytes that are not there: undecodable
  const frame = Buffer.from([0, 0, 0, 14, 0, 18, 0, 3, 0, 0, 0, 1, 0xff, 0xff, 0x00, 0xf0, 0xd1, 0x02])
  frame.writeInt32BE(frame.length - 4, 0)
  const send = async (bootstrap: string): Promise<void> => {
    const [host, port] = bootstrap.split(':')
    const socket = net.connect(Number(port), host)
    await once(socket, 'connect')
    socket.end(frame)
    await once(socket, 'close')
  }
  const reported: Error[] = []
  const fake = new FakeKafka({ brokers: 1, onError: (e) => reported.push(e) })
  try {
    await send(await fake.listen())
    assert.equal(reported.length, 1)
  } finally {
    await fake.close()
  }
  const warned: Error[] = []
  const onWarning = (w: Error & { code?: string }) => { if (w.code === 'SAMSA_FAKE_KAFKA') warned.push(w) }
  process.on('warning', onWarning)
  const quiet = new FakeKafka({ brokers: 1 })
  try {
    await send(await quiet.listen())
    await new Promise((r) => setImmediate(r))
    assert.equal(warned.length, 1)
    assert.match(warned[0]!.message, /FakeKafka could not answer a request/)
  } finally {
    process.off('warning', onWarning)
    await quiet.close()
  }
})
