// Interop with Confluent's own Python client for JSON Schema and Protobuf
// (confluent-kafka's JSONSerializer/JSONDeserializer and ProtobufSerializer/
// ProtobufDeserializer, PyPI) through the same broker and registry, both ways,
// and JSON Schema evolution (a v2 reader schema over the peer's v1 records, the
// peer reading samsa's v2 records).
// The Python peer registers Protobuf schemas as base64 FileDescriptorProtos,
// which samsa's ProtobufDeserializer reads. The venv comes from
// `npm run python:setup`; without it the tests are skipped, except under CI
// (CI=true), where a missing venv is an error.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { Producer } from '../../../src/index.js'
import {
  JsonSchemaDeserializer, JsonSchemaSerializer, ProtobufDeserializer, ProtobufSerializer, SchemaRegistryClient, unframe,
} from '../../../src/schema-registry/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { registryUrl } from '../../helpers/registry.js'
import { createTopic, deleteTopic, readPartition } from '../producer/helpers.js'
import { jsonSchema, jsonSchemaV2, ORDER_PROTO, orders, samsaConsume, shipments } from './interop.js'

const run = promisify(execFile)
const PYTHON = path.resolve('.tmp/python-venv/bin/python')
const PEER = path.resolve('test/integration/schema-registry/fixtures/serde_peer.py')
const haveVenv = fs.existsSync(PYTHON)
if (!haveVenv && process.env.CI === 'true') throw new Error(`${PYTHON} is missing: CI must run \`npm run python:setup\` before the tests`)
const skip = haveVenv ? false : 'no .tmp/python-venv: run `npm run python:setup`'

// Python's MessageToDict leaves out fields at their defaults; samsa's deserializer fills them in.
const ordersAsPythonPrints = [
  { id: '12345678901234', item: 'pen', status: 'PAID', lines: [{ sku: 'a', qty: 2 }, { sku: 'b', qty: -1 }] },
  { id: '-9000000000000000001', item: 'héllo' },
]

async function pythonConsume(format: string, topic: string, n: number): Promise<unknown[]> {
  const { stdout } = await run(PYTHON, [PEER, format, 'consume', bootstrapServers(), registryUrl(), topic, String(n)], { timeout: 180_000 })
  return stdout.trim().split('\n').map((l) => (JSON.parse(l) as { value: unknown }).value)
}

test('samsa writes Protobuf that confluent-kafka (Python) reads', { skip }, async () => {
  const topic = uniqueName('interop-py-proto-read')
  await createTopic(topic, 1)
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  const p = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': new ProtobufSerializer(client, ORDER_PROTO) })
  try {
    for (const value of orders) await p.send({ topic, value, partition: 0 })
    assert.deepEqual(await pythonConsume('protobuf', topic, orders.length), ordersAsPythonPrints)
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})

test('confluent-kafka (Python) writes Protobuf that samsa reads (schema registered as a base64 descriptor)', { skip }, async () => {
  const topic = uniqueName('interop-py-proto-write')
  await createTopic(topic, 1)
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  try {
    const { stdout } = await run(PYTHON, [PEER, 'protobuf', 'produce', bootstrapServers(), registryUrl(), topic, JSON.stringify(orders)], { timeout: 180_000 })
    assert.equal(stdout.trim(), 'produced')
    const raw = await readPartition(topic, 0)
    assert.deepEqual(unframe(topic, raw[0]!.value!, true).indexes, [0], 'Order is the first message')
    const registered = await client.getLatestSchema(`${topic}-value`)
    assert.equal(registered.schemaType, 'PROTOBUF')
    assert.deepEqual(await samsaConsume(topic, new ProtobufDeserializer(client), orders.length), orders)
  } finally {
    await deleteTopic(topic)
  }
})

test('samsa writes JSON Schema that confluent-kafka (Python) reads', { skip }, async () => {
  const topic = uniqueName('interop-py-json-read')
  await createTopic(topic, 1)
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  const p = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': new JsonSchemaSerializer(client, jsonSchema) })
  try {
    for (const value of shipments) await p.send({ topic, value, partition: 0 })
    assert.deepEqual(await pythonConsume('json', topic, shipments.length), shipments)
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})

test('confluent-kafka (Python) writes JSON Schema that samsa reads', { skip }, async () => {
  const topic = uniqueName('interop-py-json-write')
  await createTopic(topic, 1)
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  try {
    const { stdout } = await run(PYTHON, [PEER, 'json', 'produce', bootstrapServers(), registryUrl(), topic, JSON.stringify(shipments), JSON.stringify(jsonSchema)], { timeout: 180_000 })
    assert.equal(stdout.trim(), 'produced')
    assert.deepEqual(await samsaConsume(topic, new JsonSchemaDeserializer(client), shipments.length), shipments)
    const registered = await client.getLatestSchema(`${topic}-value`)
    assert.equal(registered.schemaType, 'JSON')
    assert.deepEqual(JSON.parse(registered.schema), jsonSchema, 'Python registered the schema under <topic>-value')
  } finally {
    await deleteTopic(topic)
  }
})

test('JSON Schema evolution with confluent-kafka (Python): its v1 records read by samsa with a reader schema one version ahead; samsa\'s v2 records read by Python', { skip }, async () => {
  const topic = uniqueName('interop-py-json-evolve')
  await createTopic(topic, 1)
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  const p = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': new JsonSchemaSerializer(client, jsonSchemaV2) })
  try {
    const { stdout } = await run(PYTHON, [PEER, 'json', 'produce', bootstrapServers(), registryUrl(), topic, JSON.stringify(shipments), JSON.stringify(jsonSchema)], { timeout: 180_000 })
    assert.equal(stdout.trim(), 'produced')
    const v1 = await client.getSchemaVersion(`${topic}-value`, 1)
    // samsa registers v2 (the next version of the subject) and writes with it.
    const v2records = [{ id: 3, to: 'Lund', tags: [], weight: 1, priority: 'high' }]
    for (const value of v2records) await p.send({ topic, value, partition: 0 })
    const ids = (await readPartition(topic, 0)).map((r) => unframe(topic, r.value!).id)
    assert.deepEqual(ids.slice(0, 2), [v1.id, v1.id], 'Python wrote v1')
    assert.notEqual(ids[2], v1.id, 'samsa wrote v2')
    const latest = await client.getLatestSchema(`${topic}-value`)
    assert.deepEqual([latest.id, latest.version], [ids[2], 2], 'v2 is the subject\'s second version')
    // samsa, reader schema v2: the v1 records validate against it and read as written; so does its own v2 record.
    assert.deepEqual(await samsaConsume(topic, new JsonSchemaDeserializer(client, { readerSchema: jsonSchemaV2 }), 3), [...shipments, ...v2records])
    // Python reads every record with its writer's schema, v2's added property included.
    assert.deepEqual(await pythonConsume('json', topic, 3), [...shipments, ...v2records])
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})
