// Interop with Confluent's own JavaScript serdes (@confluentinc/schemaregistry,
// npm) through the same broker and registry: Avro that samsa writes, Confluent's
// AvroDeserializer reads, and the other way round. The peer lives in
// .tmp/confluent-js (`npm run confluent-js:setup`), outside samsa's
// dependencies; without it the tests are skipped.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Consumer, Producer } from '../../../src/index.js'
import { AvroDeserializer, AvroSerializer, SchemaRegistryClient, unframe } from '../../../src/schema-registry/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { registryUrl } from '../../helpers/registry.js'
import { createTopic, deleteTopic, readPartition } from '../producer/helpers.js'

const PEER_DIR = path.resolve('.tmp/confluent-js')
const havePeer = fs.existsSync(path.join(PEER_DIR, 'node_modules/@confluentinc/schemaregistry/package.json'))
// Under CI (.ci/run installs the peer) a missing peer is a failure, not a skip.
if (!havePeer && process.env.CI === 'true') throw new Error('no .tmp/confluent-js under CI: .ci/run runs `npm run confluent-js:setup` before the tests')
const skip = havePeer ? false : 'no .tmp/confluent-js: run `npm run confluent-js:setup`'

// The little of @confluentinc/schemaregistry these tests use.
interface ConfluentSerde { serialize(topic: string, value: unknown): Promise<Buffer>; deserialize(topic: string, data: Buffer): Promise<unknown> }
interface ConfluentModule {
  SchemaRegistryClient: new (config: { baseURLs: string[] }) => object
  AvroSerializer: new (client: object, type: number, config: { useLatestVersion?: boolean }) => ConfluentSerde
  AvroDeserializer: new (client: object, type: number, config: object) => ConfluentSerde
  SerdeType: { VALUE: number }
}
const confluent = (): ConfluentModule => createRequire(path.join(PEER_DIR, 'package.json'))('@confluentinc/schemaregistry') as ConfluentModule

const schema = {
  type: 'record', name: 'Reading', namespace: 'dev.samsa.interop',
  fields: [
    { name: 'sensor', type: 'string' },
    { name: 'celsius', type: 'double' },
    { name: 'seq', type: 'long' },
    { name: 'tag', type: ['null', 'string'], default: null },
    { name: 'raw', type: 'bytes' },
  ],
}
const values = [
  { sensor: 's1', celsius: 21.5, seq: 1, tag: null, raw: Buffer.from([1, 2, 3]) },
  // Confluent's JS serdes use avsc's plain long: it refuses ±(2^53 - 1) as a
  // possible precision loss, and below -2^52 its zigzag arithmetic in doubles
  // drops the sign (-9007199254740000 is written and read as +9007199254740000),
  // so the values here stay within ±2^52, where both sides agree.
  { sensor: 'søn', celsius: -40, seq: -4503599627370496, tag: 'cold', raw: Buffer.alloc(0) },
]

test('samsa writes Avro that @confluentinc/schemaregistry reads', { skip }, async () => {
  const topic = uniqueName('interop-cjs-read')
  await createTopic(topic, 1)
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  const p = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': new AvroSerializer(client, schema) })
  try {
    for (const value of values) await p.send({ topic, value, partition: 0 })
    const { SchemaRegistryClient: CClient, AvroDeserializer: CDes, SerdeType } = confluent()
    const des = new CDes(new CClient({ baseURLs: [registryUrl()] }), SerdeType.VALUE, {})
    const raw = await readPartition(topic, 0)
    const read: unknown[] = []
    for (const r of raw) read.push({ ...(await des.deserialize(topic, r.value!) as object) })
    assert.deepEqual(read, values)
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})

test('@confluentinc/schemaregistry writes Avro that samsa reads', { skip }, async () => {
  const topic = uniqueName('interop-cjs-write')
  await createTopic(topic, 1)
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  const id = await client.register(`${topic}-value`, { schema: JSON.stringify(schema) })
  const { SchemaRegistryClient: CClient, AvroSerializer: CSer, SerdeType } = confluent()
  const ser = new CSer(new CClient({ baseURLs: [registryUrl()] }), SerdeType.VALUE, { useLatestVersion: true })
  const raw = new Producer({ 'bootstrap.servers': bootstrapServers() })
  try {
    for (const value of values) {
      const bytes = await ser.serialize(topic, value)
      assert.equal(unframe(topic, bytes).id, id, 'Confluent writes the id samsa registered')
      await raw.send({ topic, value: bytes, partition: 0 })
    }
    const c = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'auto.offset.reset': 'earliest', 'value.deserializer': new AvroDeserializer(client) })
    const got: unknown[] = []
    try {
      c.assign([{ topic, partition: 0 }])
      for (let i = 0; i < 60 && got.length < values.length; i++) for (const r of await c.poll(1000)) got.push({ ...(r.value as object) })
    } finally {
      await c.close()
    }
    assert.deepEqual(got, values)
  } finally {
    await raw.close()
    await deleteTopic(topic)
  }
})
