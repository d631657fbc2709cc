// Confluent's wire format: magic byte, schema id, Protobuf message indexes; bad frames are clear errors.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { frame, unframe, SerializationError, SchemaRegistryClient } from '../../src/schema-registry/index.js'
import { subjectName } from '../../src/schema-registry/serde.js'
import { schemaRegistrySerdeSchema } from '../../src/config/schema-registry.js'

test('a frame is magic 0, the id big-endian, then the payload', () => {
  const b = frame(258, Buffer.from('abc'))
  assert.deepEqual([...b], [0, 0, 0, 1, 2, 0x61, 0x62, 0x63])
  const f = unframe('t', b)
  assert.equal(f.id, 258)
  assert.equal(f.payload.toString(), 'abc')
})

test('Protobuf message indexes: [0] is one 0 byte; others are a zigzag count and zigzag varints', () => {
  assert.deepEqual([...frame(1, Buffer.alloc(0), [0])], [0, 0, 0, 0, 1, 0])
  const b = frame(7, Buffer.from([9]), [1, 70])
  assert.deepEqual([...b.subarray(5)], [4, 2, 140, 1, 9])
  const f = unframe('t', b, true)
  assert.deepEqual(f.indexes, [1, 70])
  assert.deepEqual([...f.payload], [9])
  assert.deepEqual(unframe('t', frame(7, Buffer.from([9]), [0]), true).indexes, [0])
})

test('a short frame, a wrong magic byte and truncated indexes are SerializationErrors that say what was expected', () => {
  assert.throws(() => unframe('t', Buffer.from([0, 1])), (e: unknown) => e instanceof SerializationError && /2 bytes, expected at least 5/.test(e.message))
  assert.throws(() => unframe('t', Buffer.from([1, 0, 0, 0, 1, 2])), (e: unknown) => e instanceof SerializationError && /magic byte 1, expected 0/.test(e.message))
  assert.throws(() => unframe('t', Buffer.from([0, 0, 0, 0, 1, 4, 0x80]), true), (e: unknown) => e instanceof SerializationError && /truncated message indexes/.test(e.message))
})

test('subject name strategies', () => {
  const c = schemaRegistrySerdeSchema.parse({})
  assert.equal(subjectName(c, 'orders', false, 'com.acme.Order'), 'orders-value')
  assert.equal(subjectName(c, 'orders', true, undefined), 'orders-key')
  const r = schemaRegistrySerdeSchema.parse({ 'value.subject.name.strategy': 'RecordNameStrategy', 'key.subject.name.strategy': 'TopicRecordNameStrategy' })
  assert.equal(subjectName(r, 'orders', false, 'com.acme.Order'), 'com.acme.Order')
  assert.equal(subjectName(r, 'orders', true, 'com.acme.Key'), 'orders-com.acme.Key')
  assert.throws(() => subjectName(r, 'orders', false, undefined), /RecordNameStrategy needs a record name/)
  const f = schemaRegistrySerdeSchema.parse({ 'value.subject.name.strategy': (t: string) => `x-${t}` })
  assert.equal(subjectName(f, 'orders', false, undefined), 'x-orders')
})

test('client config: Java keys, URL lists, bad values named', () => {
  const c = new SchemaRegistryClient({ 'schema.registry.url': 'http://a:1, http://b:2/' })
  assert.deepEqual(c.config['schema.registry.url'], ['http://a:1', 'http://b:2'])
  assert.throws(() => new SchemaRegistryClient({ 'schema.registry.url': 'localhost:8081' }), /"localhost:8081" is not an http:\/\/ or https:\/\/ URL/)
  assert.throws(() => new SchemaRegistryClient({ 'schema.registry.url': 'http://a:1', 'max.retry': 3 } as never), /unknown config "max.retry"/)
  assert.throws(() => new SchemaRegistryClient({ 'schema.registry.url': 'http://a:1', 'bearer.auth.credentials.source': 'STATIC_TOKEN' }), /needs "bearer.auth.token"/)
})
