import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, ConfigError, ConnectionError, KafkaError } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'

function admin(extra: Record<string, unknown> = {}) {
  return new Admin({ 'bootstrap.servers': bootstrapServers(), 'client.id': 'samsa-test', ...extra })
}

test('describeCluster names the broker and a cluster id', async () => {
  const a = admin()
  try {
    const c = await a.describeCluster()
    assert.ok(c.clusterId && c.clusterId.length > 0, 'cluster id present')
    assert.ok(c.brokers.length >= 1)
    const first = bootstrapServers().split(',')[0]!
    assert.ok(c.brokers.some((b) => `${b.host}:${b.port}` === first), `brokers ${JSON.stringify(c.brokers)} include ${first}`)
    assert.ok(c.brokers.some((b) => b.nodeId === c.controller) || c.controller >= 0)
  } finally {
    await a.close()
  }
})

test('createTopics, listTopics, describeTopics, createPartitions, deleteTopics', async () => {
  const a = admin()
  const topic = uniqueName('admin-topic')
  try {
    await a.createTopics([{ topic, numPartitions: 3, replicationFactor: 1, configs: { 'retention.ms': '3600000' } }])
    // As in Java, createTopics resolves once the controller accepted the topic;
    // brokers' metadata shows it a moment later.
    let names: string[] = []
    for (const until = Date.now() + 15000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      names = await a.listTopics()
      if (names.includes(topic)) break
    }
    assert.ok(names.includes(topic), 'new topic listed')
    assert.ok(!names.includes('__consumer_offsets'), 'internal topics hidden by default')
    let [d] = await a.describeTopics([topic])
    assert.equal(d!.name, topic)
    assert.equal(d!.topicId.length, 22)
    assert.notEqual(d!.topicId, 'AAAAAAAAAAAAAAAAAAAAAA')
    assert.deepEqual(d!.partitions.map((p) => p.partition), [0, 1, 2])
    for (const p of d!.partitions) {
      assert.ok(p.leader >= 0)
      assert.deepEqual(p.isr, p.replicas)
    }
    await a.createPartitions([{ topic, count: 5 }])
    // New partitions reach the brokers' metadata asynchronously.
    const seenBy = Date.now() + 15000
    for (;;) {
      ;[d] = await a.describeTopics([topic])
      if (d!.partitions.length === 5 || Date.now() > seenBy) break
      await new Promise((r) => setTimeout(r, 100))
    }
    assert.equal(d!.partitions.length, 5)
    await a.deleteTopics([topic])
    // Deletion propagates asynchronously; it must disappear shortly.
    const until = Date.now() + 15000
    while ((await a.listTopics()).includes(topic)) {
      assert.ok(Date.now() < until, 'topic deleted within 15 s')
      await new Promise((r) => setTimeout(r, 200))
    }
  } finally {
    await a.close()
  }
})

test('creating a topic that exists fails with TOPIC_ALREADY_EXISTS', async () => {
  const a = admin()
  const topic = uniqueName('admin-dup')
  try {
    await a.createTopics([{ topic, numPartitions: 1 }])
    await assert.rejects(a.createTopics([{ topic, numPartitions: 1 }]), (e: unknown) => {
      assert.ok(e instanceof KafkaError)
      assert.equal(e.type, 'TOPIC_ALREADY_EXISTS')
      assert.equal(e.code, 36)
      assert.equal(e.retriable, false)
      assert.match(e.message, new RegExp(topic))
      return true
    })
    await a.createTopics([{ topic: uniqueName('admin-validate'), numPartitions: 1 }], { validateOnly: true })
    await assert.rejects(a.createTopics([{ topic: uniqueName('bad-rf'), numPartitions: 1, replicationFactor: 99 }]), (e: unknown) => {
      assert.ok(e instanceof KafkaError)
      assert.equal(e.type, 'INVALID_REPLICATION_FACTOR')
      return true
    })
  } finally {
    await a.close()
  }
})

test('describeTopics of a missing topic fails with UNKNOWN_TOPIC_OR_PARTITION', async () => {
  const a = admin()
  try {
    await assert.rejects(a.describeTopics([uniqueName('missing')]), (e: unknown) => {
      assert.ok(e instanceof KafkaError)
      assert.equal(e.type, 'UNKNOWN_TOPIC_OR_PARTITION')
      return true
    })
  } finally {
    await a.close()
  }
})

test('listOffsets earliest and latest of an empty topic are 0', async () => {
  const a = admin()
  const topic = uniqueName('admin-offsets')
  try {
    await a.createTopics([{ topic, numPartitions: 2 }])
    const offsets = await a.listOffsets([
      { topic, partition: 0, timestamp: 'earliest' },
      { topic, partition: 1, timestamp: 'latest' },
      { topic, partition: 1, timestamp: Date.now() },
    ])
    assert.equal(offsets.length, 3)
    assert.deepEqual(
      offsets.map((o) => [o.topic, o.partition, o.offset]),
      [
        [topic, 0, 0n],
        [topic, 1, 0n],
        [topic, 1, -1n],
      ],
    )
  } finally {
    await a.close()
  }
})

test('an unreachable cluster fails in bounded time listing the addresses tried', async () => {
  const a = admin({ 'bootstrap.servers': '127.0.0.1:1,127.0.0.1:2', 'default.api.timeout.ms': 1500, 'reconnect.backoff.max.ms': 200 })
  const started = Date.now()
  try {
    await assert.rejects(a.listTopics(), (e: unknown) => {
      assert.ok(e instanceof KafkaError)
      assert.match(e.message, /127\.0\.0\.1:1/)
      assert.match(e.message, /127\.0\.0\.1:2/)
      assert.ok(e instanceof ConnectionError || (e.cause instanceof ConnectionError), 'caused by a connection error')
      return true
    })
    assert.ok(Date.now() - started < 5000, `failed after ${Date.now() - started} ms`)
  } finally {
    await a.close()
  }
})

test('bad config throws ConfigError naming the key and the closest valid one', () => {
  assert.throws(() => new Admin({ 'bootstrap.servers': bootstrapServers(), 'request.timeout.msx': 5 } as never), (e: unknown) => {
    assert.ok(e instanceof ConfigError)
    assert.match(e.message, /request\.timeout\.msx/)
    assert.match(e.message, /did you mean "request\.timeout\.ms"/)
    return true
  })
  assert.throws(() => new Admin({ 'bootstrap.servers': bootstrapServers(), 'request.timeout.ms': 'soon' } as never), (e: unknown) => {
    assert.ok(e instanceof ConfigError)
    assert.match(e.message, /"request\.timeout\.ms" = "soon"/)
    assert.match(e.message, /integer/)
    return true
  })
  assert.throws(() => new Admin({ 'bootstrap.servers': 'nohostport' }), ConfigError)
  assert.throws(() => new Admin({} as never), /bootstrap\.servers.*required/)
  // Numeric strings, as in a .properties file, are accepted.
  const a = new Admin({ 'bootstrap.servers': bootstrapServers(), 'request.timeout.ms': '5000' })
  assert.equal(a.config['request.timeout.ms'], 5000)
  void a.close()
})
