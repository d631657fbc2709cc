// Producer/Consumer/Admin.fromProperties against a real broker: one Java-style
// client file shared by all three, as users keep them.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Admin, Consumer, Producer } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'

test('a Java client .properties file configures a producer, a consumer and an admin client that work', async () => {
  const topic = uniqueName('compat-props')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-props-'))
  const file = path.join(dir, 'client.properties')
  fs.writeFileSync(file, [
    '# shared by every client, as Java users keep it',
    `bootstrap.servers=${bootstrapServers()}`,
    'client.dns.lookup=use_all_dns_ips',
    'acks=all',
    'compression.type=lz4',
    'key.serializer=org.apache.kafka.common.serialization.StringSerializer',
    'value.serializer=org.apache.kafka.common.serialization.StringSerializer',
    'key.deserializer=org.apache.kafka.common.serialization.StringDeserializer',
    'value.deserializer=org.apache.kafka.common.serialization.StringDeserializer',
    `group.id=${uniqueName('compat-props-g')}`,
    'auto.offset.reset=earliest',
    'enable.auto.commit=false',
  ].join('\n'))
  const warnings: string[] = []
  const logger = { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} }
  const admin = Admin.fromProperties(file, { logger })
  const producer = Producer.fromProperties<string, string>(file, { logger })
  const consumer = Consumer.fromProperties<string, string>(file, { logger })
  try {
    await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }])
    await Promise.all(['a', 'b', 'c'].map((value) => producer.send({ topic, key: 'k', value })))
    consumer.subscribe([topic])
    const got: string[] = []
    const until = Date.now() + 60_000
    while (got.length < 3 && Date.now() < until) for (const r of await consumer.poll(500)) got.push(r.value!)
    assert.deepEqual(got, ['a', 'b', 'c'])
    assert.ok(warnings.some((w) => w.includes('"client.dns.lookup"')), 'the Java-only key was reported')
  } finally {
    await consumer.close()
    await producer.close()
    await admin.deleteTopics([topic]).catch(() => {})
    await admin.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
