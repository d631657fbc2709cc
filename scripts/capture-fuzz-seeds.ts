// Records real responses of the APIs the clients use, as a broker sent them,
// into test/fixtures/captured/seeds/<api>-v<version>.bin (correlation id,
// response header and body): the seeds of test/protocol/fuzz.test.ts. Runs a
// short workload (idempotent and transactional producer, a consumer group,
// Admin calls) through a FaultProxy with no faults and keeps the largest
// response seen per API and version.
// Usage: KAFKA_BOOTSTRAP=127.0.0.1:9092 tsx scripts/capture-fuzz-seeds.ts
import fs from 'node:fs'
import path from 'node:path'
import { Admin, Consumer, Producer, serializers, deserializers } from '../src/index.js'
import { apisByKey } from '../src/protocol/messages/index.js'
import { FaultProxy } from '../test/helpers/fault-proxy.js'

const out = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'captured', 'seeds')
const kebab = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()
const best = new Map<string, Buffer>()
const proxy = await FaultProxy.start({
  bootstrap: (process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092').split(',')[0]!,
  record: (apiKey, version, frame) => {
    const api = apisByKey.get(apiKey)
    if (!api) return
    const key = `${kebab(api.name)}-v${version}`
    // Keep the largest (most fields filled), but small enough to commit.
    const prev = best.get(key)
    if (frame.length <= 64 * 1024 && (!prev || frame.length > prev.length)) best.set(key, Buffer.from(frame))
  },
})
const bootstrap = proxy.bootstrap
const topic = `samsa-seeds-${Date.now()}`
const admin = new Admin({ 'bootstrap.servers': bootstrap })
try {
  await admin.createTopics([{ topic, numPartitions: 2, replicationFactor: 1 }])
  await admin.createPartitions([{ topic, count: 3 }])
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'key.serializer': serializers.string, 'value.serializer': serializers.string, 'compression.type': 'none' })
  for (let i = 0; i < 200; i++) void producer.send({ topic, key: `k${i}`, value: `value ${i}`, headers: [{ key: 'h', value: Buffer.from('x') }] })
  await producer.flush()
  await producer.close()
  const tx = new Producer({ 'bootstrap.servers': bootstrap, 'transactional.id': `${topic}-tx`, 'key.serializer': serializers.string, 'value.serializer': serializers.string })
  await tx.initTransactions()
  tx.beginTransaction()
  await tx.send({ topic, key: 'tx', value: 'in a transaction' })
  await tx.sendOffsetsToTransaction([{ topic, partition: 0, offset: 1n }], { groupId: `${topic}-g`, generationId: -1, memberId: '', groupInstanceId: null })
  await tx.commitTransaction()
  await tx.close()
  const consumer = new Consumer<string, string>({
    'bootstrap.servers': bootstrap, 'group.id': `${topic}-g2`, 'auto.offset.reset': 'earliest', 'enable.auto.commit': false,
    'key.deserializer': deserializers.string, 'value.deserializer': deserializers.string,
  })
  consumer.subscribe([topic])
  let n = 0
  for (let i = 0; i < 50 && n < 201; i++) {
    const records = await consumer.poll(500)
    n += records.count
    if (records.count > 0) await consumer.commitSync()
  }
  await admin.describeCluster()
  await admin.listTopics()
  await admin.describeTopics([topic])
  await admin.listOffsets([{ topic, partition: 0, timestamp: 'latest' }])
  await admin.describeConfigs([{ type: 'topic', name: topic }])
  await admin.incrementalAlterConfigs([{ type: 'topic', name: topic, ops: [{ name: 'retention.ms', value: '86400000', op: 'set' }] }])
  await admin.listConsumerGroups()
  await admin.describeConsumerGroups([`${topic}-g2`])
  await admin.listConsumerGroupOffsets(`${topic}-g2`)
  await consumer.close()
  await admin.deleteRecords([{ topic, partition: 0, offset: 1n }])
  await admin.deleteConsumerGroups([`${topic}-g2`])
  await admin.deleteTopics([topic])
} finally {
  await admin.close()
  await proxy.close()
}
fs.mkdirSync(out, { recursive: true })
for (const [key, frame] of best) fs.writeFileSync(path.join(out, `${key}.bin`), frame)
console.log(`captured ${best.size} seeds: ${[...best.keys()].sort().join(', ')}`)
