// Interop with Confluent's own Python client (confluent-kafka's AvroSerializer
// and AvroDeserializer, PyPI) through the same broker and registry: what samsa
// writes, Python reads, and the other way round. The venv comes from
// `npm run python:setup`; without it the test is skipped, except under CI
// (CI=true), where a missing venv is an error.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { Producer } from '../../../src/index.js'
import { AvroDeserializer, AvroSerializer, SchemaRegistryClient } from '../../../src/schema-registry/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { registryUrl } from '../../helpers/registry.js'
import { createTopic, deleteTopic } from '../producer/helpers.js'
import { samsaConsume } from './interop.js'

const run = promisify(execFile)
const PYTHON = path.resolve('.tmp/python-venv/bin/python')
const PEER = path.resolve('test/integration/schema-registry/fixtures/avro_peer.py')
const haveVenv = fs.existsSync(PYTHON)
if (!haveVenv && process.env.CI === 'true') throw new Error(`${PYTHON} is missing: CI must run \`npm run python:setup\` before the tests`)
const skip = haveVenv ? false : 'no .tmp/python-venv: run `npm run python:setup`'

const schema = {
  type: 'record', name: 'Payment', namespace: 'dev.samsa.interop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'count', type: 'long' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['CARD', 'CASH'] } },
  ],
}
const values = [
  { id: 'p1', amount: 12.5, count: 3, note: null, kind: 'CARD' },
  { id: 'p2', amount: -0.25, count: 9007199254740991, note: 'héllo', kind: 'CASH' },
]
// A long beyond 2^53: samsa writes and reads it as a bigint; Python's JSON output prints it exactly.
const big = { id: 'p3', amount: 0, count: 2n ** 62n + 1n, note: null, kind: 'CARD' }
const bigJson = '{"id": "p3", "amount": 0.0, "count": 4611686018427387905, "note": null, "kind": "CARD"}'

test('samsa writes Avro that confluent-kafka (Python) reads', { skip }, async () => {
  const topic = uniqueName('interop-py-read')
  await createTopic(topic, 1)
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  const p = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': new AvroSerializer(client, schema) })
  try {
    for (const value of [...values, big]) await p.send({ topic, value, partition: 0 })
    const { stdout } = await run(PYTHON, [PEER, 'consume', bootstrapServers(), registryUrl(), topic, String(values.length + 1)], { timeout: 180_000 })
    const lines = stdout.trim().split('\n')
    const read = lines.slice(0, values.length).map((l) => JSON.parse(l) as { offset: number; value: unknown })
    assert.deepEqual(read.map((r) => r.value), values)
    assert.ok(lines[values.length]!.endsWith(`"value": ${bigJson}}`), lines[values.length])
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})

test('confluent-kafka (Python) writes Avro that samsa reads', { skip }, async () => {
  const topic = uniqueName('interop-py-write')
  await createTopic(topic, 1)
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  try {
    const { stdout } = await run(PYTHON, [PEER, 'produce', bootstrapServers(), registryUrl(), topic, JSON.stringify(schema), JSON.stringify(values)], { timeout: 180_000 })
    assert.equal(stdout.trim(), 'produced')
    const got = (await samsaConsume(topic, new AvroDeserializer(client), values.length)).map((v) => ({ ...(v as object) }))
    assert.deepEqual(got, values)
    assert.deepEqual(await client.getVersions(`${topic}-value`), [1], 'Python registered the schema under <topic>-value')
  } finally {
    await deleteTopic(topic)
  }
})

test('Avro schema evolution with confluent-kafka (Python): v1 records of each side read with a v2 reader schema by the other', { skip }, async () => {
  const topic = uniqueName('interop-py-evolve')
  const pyTopic = uniqueName('interop-py-evolve-w')
  await createTopic(topic, 1)
  await createTopic(pyTopic, 1)
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  const v1 = { type: 'record', name: 'User', namespace: 'dev.samsa.interop', fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }] }
  const v2 = { ...v1, fields: [...v1.fields, { name: 'email', type: ['null', 'string'], default: null }] }
  const users = [{ name: 'ada', age: 36 }, { name: 'bob', age: 40 }]
  const asV2 = users.map((u) => ({ ...u, email: null }))
  const p = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': new AvroSerializer(client, v1) })
  try {
    for (const value of users) await p.send({ topic, value, partition: 0 })
    const { stdout } = await run(PYTHON, [PEER, 'consume', bootstrapServers(), registryUrl(), topic, String(users.length), JSON.stringify(v2)], { timeout: 180_000 })
    assert.deepEqual(stdout.trim().split('\n').map((l) => (JSON.parse(l) as { value: unknown }).value), asV2, 'Python with the v2 reader schema')

    const produced = await run(PYTHON, [PEER, 'produce', bootstrapServers(), registryUrl(), pyTopic, JSON.stringify(v1), JSON.stringify(users)], { timeout: 180_000 })
    assert.equal(produced.stdout.trim(), 'produced')
    const got = (await samsaConsume(pyTopic, new AvroDeserializer(client, { readerSchema: v2 }), users.length)).map((v) => ({ ...(v as object) }))
    assert.deepEqual(got, asV2, 'samsa with the v2 reader schema')
  } finally {
    await p.close()
    await deleteTopic(topic)
    await deleteTopic(pyTopic)
  }
})
