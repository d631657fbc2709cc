// The compatibility smoke suite: what every supported broker release must do
// with samsa (Kafka 2.8 with ZooKeeper to 4.4 in KRaft mode). `.ci/run` runs
// it once per release in its 'compat brokers' phase; by hand:
//   KAFKA_VERSION=2.8.2 npm test -- test/integration/compat
// Features that a release lacks are tested for the clear error instead.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, Consumer, Producer, deserializers, serializers } from '../../../src/index.js'
import { bootstrapServers, kafkaVersion, kafkaVersionAtLeast, supportsConsumerGroupProtocol, uniqueName } from '../../helpers/kafka.js'

const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
after(() => admin.close())

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const

function stringProducer(extra: Record<string, unknown> = {}): Producer<string, string> {
  return new Producer({
    'bootstrap.servers': bootstrapServers(),
    'key.serializer': serializers.string,
    'value.serializer': serializers.string,
    ...extra,
  }) as Producer<string, string>
}

function stringConsumer(extra: Record<string, unknown>): Consumer<string, string> {
  return new Consumer({
    'bootstrap.servers': bootstrapServers(),
    'key.deserializer': deserializers.string,
    'value.deserializer': deserializers.string,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': false,
    ...extra,
  }) as Consumer<string, string>
}

/** Reads until `count` records came (or the time is up) and returns their values. */
async function drain(consumer: Consumer<string, string>, count: number, timeoutMs = 60_000): Promise<string[]> {
  const values: string[] = []
  const until = Date.now() + timeoutMs
  while (values.length < count && Date.now() < until) {
    for (const r of await consumer.poll(500)) values.push(r.value!)
  }
  return values
}

test(`Kafka ${kafkaVersion()}: every codec and acks setting produces, a group consumes it all and commits`, async () => {
  const topic = uniqueName('compat-codecs')
  const group = uniqueName('compat-group')
  await admin.createTopics([{ topic, numPartitions: 3, replicationFactor: 1 }])
  const sent: string[] = []
  try {
    for (const codec of CODECS) {
      // acks=0 last: it may lose records sent while a new topic's leader is not ready yet
      for (const acks of ['all', '1', '0'] as const) {
        // idempotence needs acks=all (Java's rule); the others send without it
        const p = stringProducer({ 'compression.type': codec, acks, 'enable.idempotence': acks === 'all', 'linger.ms': 5 })
        try {
          const values = Array.from({ length: 20 }, (_, i) => `${codec}-${acks}-${i}`)
          const results = await Promise.all(values.map((value, i) => p.send({ topic, key: `k${i % 5}`, value })))
          if (acks !== '0') for (const md of results) assert.ok(md.offset >= 0n, `${codec}/acks=${acks}: an offset for every record`)
          await p.flush()
          sent.push(...values)
        } finally {
          await p.close()
        }
      }
    }
    const c = stringConsumer({ 'group.id': group })
    try {
      c.subscribe([topic])
      const got = await drain(c, sent.length)
      assert.deepEqual([...got].sort(), [...sent].sort(), 'every record of every codec, once')
      await c.commitSync()
    } finally {
      await c.close()
    }
    const offsets = await admin.listConsumerGroupOffsets(group)
    const total = offsets.filter((o) => o.topic === topic).reduce((sum, o) => sum + o.offset, 0n)
    assert.equal(total, BigInt(sent.length), 'the committed offsets cover every record')
  } finally {
    await admin.deleteTopics([topic]).catch(() => {})
  }
})

test(`Kafka ${kafkaVersion()}: a transaction commits, another aborts; read_committed sees only the first`, async () => {
  const topic = uniqueName('compat-txn')
  await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }])
  const p = stringProducer({ 'transactional.id': uniqueName('compat-txn-id') })
  try {
    await p.initTransactions()
    p.beginTransaction()
    await Promise.all(['a', 'b'].map((value) => p.send({ topic, value })))
    await p.commitTransaction()
    p.beginTransaction()
    await p.send({ topic, value: 'aborted' })
    await p.abortTransaction()
    p.beginTransaction()
    await p.send({ topic, value: 'c' })
    await p.commitTransaction()
    const c = stringConsumer({ 'group.id': uniqueName('compat-txn-g'), 'isolation.level': 'read_committed' })
    try {
      c.subscribe([topic])
      assert.deepEqual(await drain(c, 3), ['a', 'b', 'c'])
    } finally {
      await c.close()
    }
  } finally {
    await p.close()
    await admin.deleteTopics([topic]).catch(() => {})
  }
})

test(`Kafka ${kafkaVersion()}: admin creates, describes, configures and deletes topics and group offsets`, async () => {
  const topic = uniqueName('compat-admin')
  const group = uniqueName('compat-admin-g')
  await admin.createTopics([{ topic, numPartitions: 2, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } }])
  try {
    // metadata reaches every broker a moment after CreateTopics answers (as for Java's admin)
    const until = Date.now() + 30_000
    while (!(await admin.listTopics()).includes(topic) && Date.now() < until) await new Promise((r) => setTimeout(r, 100))
    assert.ok((await admin.listTopics()).includes(topic), 'listTopics lists the new topic')
    const [described] = await admin.describeTopics([topic])
    assert.equal(described!.partitions.length, 2)
    await admin.incrementalAlterConfigs([{ type: 'topic', name: topic, ops: [{ name: 'retention.ms', value: '3600000' }] }])
    // in KRaft mode the change reaches the broker's metadata a moment after the controller accepted it
    const describe = async () => (await admin.describeConfigs([{ type: 'topic', name: topic }], { configNames: ['cleanup.policy', 'retention.ms'] }))[0]!
    let configs = await describe()
    const value = (name: string) => configs.entries.find((e) => e.name === name)?.value
    const configUntil = Date.now() + 30_000
    while (value('retention.ms') !== '3600000' && Date.now() < configUntil) {
      await new Promise((r) => setTimeout(r, 100))
      configs = await describe()
    }
    assert.equal(value('cleanup.policy'), 'compact')
    assert.equal(value('retention.ms'), '3600000')
    await admin.alterConsumerGroupOffsets(group, [{ topic, partition: 1, offset: 7n }])
    const offsets = await admin.listConsumerGroupOffsets(group)
    assert.equal(offsets.find((o) => o.topic === topic && o.partition === 1)?.offset, 7n)
    await admin.deleteConsumerGroups([group])
  } finally {
    await admin.deleteTopics([topic])
  }
})

test(`Kafka ${kafkaVersion()}: the KIP-848 consumer group protocol works where the broker has it, and says so where not`, async (t) => {
  if (!supportsConsumerGroupProtocol() && kafkaVersionAtLeast('3.7')) {
    t.skip('Kafka 3.7-3.9 have KIP-848 as an opt-in preview (the test cluster turns it on): neither GA nor absent')
    return
  }
  const topic = uniqueName('compat-848')
  await admin.createTopics([{ topic, numPartitions: 2, replicationFactor: 1 }])
  const p = stringProducer()
  const c = stringConsumer({ 'group.id': uniqueName('compat-848-g'), 'group.protocol': 'consumer' })
  try {
    await Promise.all(['x', 'y', 'z'].map((value) => p.send({ topic, value })))
    c.subscribe([topic])
    if (supportsConsumerGroupProtocol()) {
      assert.deepEqual((await drain(c, 3)).sort(), ['x', 'y', 'z'])
    } else {
      await assert.rejects(drain(c, 3), (err: Error) => {
        const release = kafkaVersion().split('.').slice(0, 2).join('.')
        assert.ok(err.message.includes(`this broker (Kafka ${release}-ish)`), `the error names the broker release: ${err.message}`)
        assert.match(err.message, /ConsumerGroupHeartbeat/)
        assert.equal((err as Error & { type?: string }).type, 'UNSUPPORTED_VERSION')
        return true
      })
    }
  } finally {
    await c.close()
    await p.close()
    await admin.deleteTopics([topic]).catch(() => {})
  }
})
