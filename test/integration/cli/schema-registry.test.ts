// console-producer / console-consumer with --value-format avro and the project's registry:
// JSON lines in, Avro in Confluent's wire format on the topic, JSON lines out; a bad line fails the tool.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { registryUrl } from '../../helpers/registry.js'
import { samsa } from '../../cli/run.js'
import { createTopic, deleteTopic, readPartition } from '../producer/helpers.js'
import { unframe } from '../../../src/schema-registry/index.js'

const schema = JSON.stringify({ type: 'record', name: 'Point', fields: [{ name: 'x', type: 'int' }, { name: 'y', type: 'int' }] })

test('console tools: --value-format avro --schema-registry-url writes and reads Avro records as JSON text', async () => {
  const topic = uniqueName('cli-avro')
  await createTopic(topic, 1)
  const bs = ['--bootstrap-server', bootstrapServers()]
  const sr = ['--value-format', 'avro', '--schema-registry-url', registryUrl()]
  try {
    let r = await samsa(['console-producer', ...bs, '--topic', topic, ...sr, '--value-schema', schema], { input: '{"x":1,"y":2}\n{"x":-3,"y":4}\n' })
    assert.equal(r.code, 0, r.stderr)
    const raw = await readPartition(topic, 0)
    assert.equal(raw.length, 2)
    assert.equal(raw[0]!.value![0], 0, 'magic byte 0')
    assert.ok(unframe(topic, raw[0]!.value!).id >= 0)
    r = await samsa(['console-consumer', ...bs, '--topic', topic, '--from-beginning', '--max-messages', '2', ...sr])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(r.stdout.trim().split('\n'), ['{"x":1,"y":2}', '{"x":-3,"y":4}'])
    r = await samsa(['console-producer', ...bs, '--topic', topic, ...sr, '--value-schema', schema], { input: '{"x":"no"}\n' })
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /x = "no"/)
    r = await samsa(['console-producer', ...bs, '--topic', topic, '--value-format', 'avro', '--value-schema', schema], { input: '' })
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /--value-format avro needs --schema-registry-url/)
  } finally {
    await deleteTopic(topic)
  }
})

test('console tools: --key-format protobuf with --value-format json-schema (alias of json); string keys by default; bad flag combinations fail', async () => {
  const topic = uniqueName('cli-key-format')
  await createTopic(topic, 1)
  const bs = ['--bootstrap-server', bootstrapServers()]
  const url = ['--schema-registry-url', registryUrl()]
  const keyProto = 'syntax = "proto3";\nmessage Key { string tenant = 1; int32 shard = 2; }\n'
  const valueSchema = JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', title: 'Event', type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] })
  const fmt = ['--key-format', 'protobuf', '--value-format', 'json-schema', ...url]
  try {
    let r = await samsa(['console-producer', ...bs, '--topic', topic, ...fmt, '--key-schema', keyProto, '--value-schema', valueSchema, '--property', 'parse.key=true'],
      { input: '{"tenant":"t1","shard":3}\t{"n":1}\n{"tenant":"t2","shard":0}\t{"n":2}\n' })
    assert.equal(r.code, 0, r.stderr)
    const raw = await readPartition(topic, 0)
    assert.equal(raw.length, 2)
    assert.deepEqual(unframe(topic, raw[0]!.key!, true).indexes, [0], 'the key is a framed Protobuf message')
    assert.equal(JSON.parse(unframe(topic, raw[0]!.value!).payload.toString('utf8')).n, 1, 'the value is framed JSON text')
    const keySubject = await fetch(`${registryUrl()}/subjects/${topic}-key/versions/latest`).then((res) => res.json() as Promise<{ schemaType: string }>)
    assert.equal(keySubject.schemaType, 'PROTOBUF', 'the key schema is registered under <topic>-key')
    r = await samsa(['console-consumer', ...bs, '--topic', topic, '--from-beginning', '--max-messages', '2', ...fmt, '--property', 'print.key=true'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(r.stdout.trim().split('\n'), ['{"tenant":"t1","shard":3}\t{"n":1}', '{"tenant":"t2","shard":0}\t{"n":2}'])
    // --key-format string is the default: the key stays text, the value is still decoded.
    r = await samsa(['console-consumer', ...bs, '--topic', topic, '--from-beginning', '--max-messages', '1', '--key-format', 'string', '--value-format', 'json', ...url])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout.trim(), '{"n":1}')
    r = await samsa(['console-producer', ...bs, '--topic', topic, '--key-format', 'xml', ...url], { input: '' })
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /--key-format must be one of avro, json-schema, json, protobuf, string, got "xml"/)
    r = await samsa(['console-producer', ...bs, '--topic', topic, '--key-format', 'avro', ...url], { input: '' })
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /--key-format avro needs --key-schema/)
    r = await samsa(['console-producer', ...bs, '--topic', topic, '--key-schema', keyProto, ...url, '--value-format', 'avro', '--value-schema', schema], { input: '' })
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /--key-schema needs --key-format/)
    r = await samsa(['console-consumer', ...bs, '--topic', topic, ...url], { input: '' })
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /--schema-registry-url needs --key-format or --value-format/)
  } finally {
    await deleteTopic(topic)
  }
})
