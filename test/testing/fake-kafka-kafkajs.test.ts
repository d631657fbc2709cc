// KafkaJS 2.2.4 against FakeKafka (issue 13's smoke test): another client than
// samsa produces, consumes in a group, commits, and reads the committed offsets
// back. KafkaJS comes from the benchmark peers (.bench/peers, installed by
// .ci/run's kafkajs_types phase); outside CI the test skips when it is absent.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Consumer } from '../../src/index.js'
import { FakeKafka } from '../../src/testing/index.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const KAFKAJS = path.join(ROOT, '.bench/peers/node_modules/kafkajs/package.json')
const present = existsSync(KAFKAJS)
const skip = !present && process.env.CI === undefined && 'KafkaJS is not installed in .bench/peers (.ci/run installs it: its kafkajs_types phase)'

/* eslint-disable @typescript-eslint/no-explicit-any -- KafkaJS is loaded at run time, untyped */
function kafkajs (): any {
  assert.ok(present, `KafkaJS is not installed in .bench/peers (${KAFKAJS}); .ci/run's kafkajs_types phase installs it`)
  const req = createRequire(KAFKAJS)
  const version = (req('./package.json') as { version: string }).version
  assert.equal(version, '2.2.4', 'the pinned KafkaJS of bench/peers.json')
  return req('kafkajs')
}

test('KafkaJS 2.2.4 against FakeKafka: produce, consume in a group, commit, read the committed offsets back', { skip, timeout: 120_000 }, async () => {
  const { Kafka, logLevel } = kafkajs()
  const fake = new FakeKafka({ brokers: 3 })
  const bootstrap = await fake.listen()
  const kafka = new Kafka({ clientId: 'smoke', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 50 } })
  const admin = kafka.admin()
  const producer = kafka.producer()
  const consumer = kafka.consumer({ groupId: 'smoke-group', sessionTimeout: 30_000, heartbeatInterval: 1000 })
  const samsa = new Consumer({ 'bootstrap.servers': bootstrap, 'group.id': 'smoke-group' })
  try {
    await admin.connect()
    assert.equal(await admin.createTopics({ topics: [{ topic: 'smoke', numPartitions: 2, replicationFactor: 3 }] }), true)
    await producer.connect()
    const sent = await producer.send({
      topic: 'smoke',
      messages: [0, 1, 2, 3, 4, 5].map((i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 2 })),
    })
    assert.deepEqual(sent.map((r: any) => [r.partition, r.errorCode]).sort(), [[0, 0], [1, 0]])

    await consumer.connect()
    await consumer.subscribe({ topic: 'smoke', fromBeginning: true })
    const seen: string[] = []
    const done = new Promise<void>((resolve, reject) => {
      consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }: any) => {
          try {
            seen.push(`${partition}:${String(message.key)}=${String(message.value)}`)
            await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }])
            if (seen.length === 6) resolve()
          } catch (err) {
            reject(err)
          }
        },
      }).catch(reject)
    })
    await done
    assert.deepEqual(seen.sort(), ['0:k0=v0', '0:k2=v2', '0:k4=v4', '1:k1=v1', '1:k3=v3', '1:k5=v5'])
    await consumer.disconnect()

    // read back by KafkaJS's admin and by samsa: the offsets one past the last record of each partition
    const [fetched] = await admin.fetchOffsets({ groupId: 'smoke-group', topics: ['smoke'] })
    assert.deepEqual(fetched.partitions.map((p: any) => [p.partition, p.offset]).sort(), [[0, '3'], [1, '3']])
    assert.deepEqual(await samsa.committed([{ topic: 'smoke', partition: 0 }, { topic: 'smoke', partition: 1 }]), [
      { topic: 'smoke', partition: 0, offset: 3n },
      { topic: 'smoke', partition: 1, offset: 3n },
    ])
  } finally {
    await consumer.disconnect().catch(() => {})
    await producer.disconnect().catch(() => {})
    await admin.disconnect().catch(() => {})
    await samsa.close()
    await fake.close()
  }
})
