// samsa/schema-registry against a real registry (Apicurio Registry's Confluent
// API, started by the test harness) and the real broker: the client's calls,
// Avro with schema evolution, JSON Schema, Protobuf, and the failures.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Consumer, DeserializationError, Producer, SerializationError, type ConsumerRecord } from '../../../src/index.js'
import {
  AvroDeserializer, AvroSerializer, JsonSchemaDeserializer, JsonSchemaSerializer, ProtobufDeserializer, ProtobufSerializer,
  SchemaRegistryClient, SchemaRegistryError, frame, unframe,
} from '../../../src/schema-registry/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { registryUrl } from '../../helpers/registry.js'
import { createTopic, deleteTopic } from '../producer/helpers.js'

const userV1 = {
  type: 'record', name: 'User', namespace: 'dev.samsa.test',
  fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }],
}
// v2 adds a field with a default: backward compatible.
const userV2 = { ...userV1, fields: [...userV1.fields, { name: 'email', type: ['null', 'string'], default: null }] }

async function consumeAll<V>(topic: string, deserializer: unknown, n: number): Promise<ConsumerRecord<Buffer, V>[]> {
  const c = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'auto.offset.reset': 'earliest', 'value.deserializer': deserializer as never })
  const out: ConsumerRecord<Buffer, V>[] = []
  try {
    c.assign([{ topic, partition: 0 }])
    for (let i = 0; i < 60 && out.length < n; i++) out.push(...((await c.poll(1000)) as Iterable<ConsumerRecord<Buffer, V>>))
  } finally {
    await c.close()
  }
  return out
}

test('client: register, look up by id and by schema, versions, latest, compatibility, config; ids are cached', async () => {
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  const subject = uniqueName('client-subject')
  const v1 = { schema: JSON.stringify(userV1) }
  const id1 = await client.register(subject, v1)
  assert.ok(Number.isInteger(id1) && id1 >= 0)
  assert.equal(await client.register(subject, v1), id1, 'registering the same schema again gives the same id')
  assert.equal(client.cachedId(subject, v1), id1)
  const byId = await client.getSchemaById(id1)
  assert.equal(byId.schemaType, 'AVRO')
  assert.deepEqual(JSON.parse(byId.schema), userV1)
  const found = await client.lookupSchema(subject, v1)
  assert.equal(found.id, id1)
  assert.equal(found.version, 1)
  assert.ok((await client.getSubjects()).includes(subject))
  assert.equal(await client.testCompatibility(subject, { schema: JSON.stringify(userV2) }), true, 'adding a field with a default is backward compatible')
  await client.setCompatibility('BACKWARD', subject)
  assert.equal(await client.getCompatibility(subject), 'BACKWARD')
  const incompatible = { ...userV1, fields: [...userV1.fields, { name: 'required', type: 'string' }] }
  assert.equal(await client.testCompatibility(subject, { schema: JSON.stringify(incompatible) }), false, 'a new field without a default is not')
  const e409 = await client.register(subject, { schema: JSON.stringify(incompatible) }).then(() => undefined, (e: unknown) => e)
  assert.ok(e409 instanceof SchemaRegistryError, String(e409))
  assert.equal(e409.status, 409)
  const id2 = await client.register(subject, { schema: JSON.stringify(userV2) })
  assert.notEqual(id2, id1)
  assert.deepEqual(await client.getVersions(subject), [1, 2])
  const latest = await client.getLatestSchema(subject)
  assert.equal(latest.id, id2)
  assert.equal(latest.version, 2)
  const missing = await client.getSchemaById(987654321).then(() => undefined, (e: unknown) => e)
  assert.ok(missing instanceof SchemaRegistryError)
  assert.equal(missing.status, 404)
  assert.equal(missing.errorCode, 40403)
  const noSubject = await client.getVersions(uniqueName('no-such-subject')).then(() => undefined, (e: unknown) => e)
  assert.ok(noSubject instanceof SchemaRegistryError)
  assert.equal(noSubject.errorCode, 40401)
})

test('Avro through the broker: v1 and v2 writers, a v2 reader sees both (schema evolution); Confluent framing', async () => {
  const topic = uniqueName('sr-avro')
  await createTopic(topic, 1)
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  try {
    for (const [schema, value] of [[userV1, { name: 'ada', age: 36 }], [userV2, { name: 'bob', age: 40, email: 'bob@example.com' }]] as const) {
      const p = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': new AvroSerializer(client, schema) })
      try {
        await p.send({ topic, value, partition: 0 })
      } finally {
        await p.close()
      }
    }
    const raw = await consumeAll<Buffer>(topic, undefined, 2)
    const ids = raw.map((r) => unframe(topic, r.value!).id)
    assert.notEqual(ids[0], ids[1], 'each record carries the id of the schema it was written with')
    assert.deepEqual(await client.getVersions(`${topic}-value`), [1, 2], 'auto.register.schemas registered both under <topic>-value')
    const asV2 = await consumeAll<Record<string, unknown>>(topic, new AvroDeserializer(client, { readerSchema: userV2 }), 2)
    assert.deepEqual(asV2.map((r) => ({ ...r.value })), [{ name: 'ada', age: 36, email: null }, { name: 'bob', age: 40, email: 'bob@example.com' }])
    const asWritten = await consumeAll<Record<string, unknown>>(topic, new AvroDeserializer(client), 2)
    assert.deepEqual(asWritten.map((r) => ({ ...r.value })), [{ name: 'ada', age: 36 }, { name: 'bob', age: 40, email: 'bob@example.com' }])
  } finally {
    await deleteTopic(topic)
  }
})

test('Avro serializer: a value that does not match fails that record only; auto.register.schemas false needs the schema registered', async () => {
  const topic = uniqueName('sr-avro-bad')
  await createTopic(topic, 1)
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  const p = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': new AvroSerializer(client, userV1) })
  const strictP = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': new AvroSerializer(client, userV2, { 'auto.register.schemas': false }) })
  try {
    const bad = await p.send({ topic, value: { name: 'x', age: 'old' }, partition: 0 }).then(() => undefined, (e: unknown) => e)
    assert.ok(bad instanceof SerializationError, String(bad))
    assert.match(bad.message, /age = "old"/)
    const ok = await p.send({ topic, value: { name: 'y', age: 1 }, partition: 0 })
    assert.equal(ok.offset, 0n)
    const missing = await strictP.send({ topic, value: { name: 'z', age: 2, email: null }, partition: 0 }).then(() => undefined, (e: unknown) => e)
    assert.ok(missing instanceof SerializationError, String(missing))
    assert.ok(missing.cause instanceof SchemaRegistryError)
    assert.equal(missing.cause.status, 404, 'the v2 schema is not registered under the subject')
  } finally {
    await p.close()
    await strictP.close()
    await deleteTopic(topic)
  }
})

test('JSON Schema and Protobuf round trips through the broker; validation fails a bad value on either side', async () => {
  const topic = uniqueName('sr-json')
  const ptopic = uniqueName('sr-proto')
  await createTopic(topic, 1)
  await createTopic(ptopic, 1)
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', title: 'Order', type: 'object', properties: { id: { type: 'integer' }, item: { type: 'string' } }, required: ['id'] }
  const proto = `syntax = "proto3";
package dev.samsa.test;
message Order {
  int64 id = 1;
  string item = 2;
  Status status = 3;
  message Line { string sku = 1; int32 qty = 2; }
  repeated Line lines = 4;
}
enum Status { NEW = 0; PAID = 1; }
message Other { string x = 1; }
`
  const p = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': new JsonSchemaSerializer(client, schema) })
  const pp = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': new ProtobufSerializer(client, proto, { messageName: 'Other' }) })
  const pp2 = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': new ProtobufSerializer(client, proto) })
  try {
    await p.send({ topic, value: { id: 1, item: 'book' }, partition: 0 })
    const bad = await p.send({ topic, value: { item: 'no id' }, partition: 0 }).then(() => undefined, (e: unknown) => e)
    assert.ok(bad instanceof SerializationError && /Order.*must have required property 'id'/.test(bad.message), String(bad))
    // A value written by hand with the schema's id but not valid: the deserializer refuses it.
    const id = await client.getId(`${topic}-value`, { schema: JSON.stringify(schema), schemaType: 'JSON' })
    const raw = new Producer({ 'bootstrap.servers': bootstrapServers() })
    await raw.send({ topic, value: frame(id, Buffer.from('{"item":5}')), partition: 0 })
    await raw.close()
    const c = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'auto.offset.reset': 'earliest', 'value.deserializer': new JsonSchemaDeserializer(client) })
    try {
      c.assign([{ topic, partition: 0 }])
      const got: unknown[] = []
      let error: unknown
      for (let i = 0; i < 60 && error === undefined; i++) {
        try {
          for (const r of await c.poll(1000)) got.push(r.value)
        } catch (e) {
          error = e
        }
      }
      assert.deepEqual(got, [{ id: 1, item: 'book' }])
      assert.ok(error instanceof DeserializationError, String(error))
      assert.equal(error.context.offset, 1n)
    } finally {
      await c.close()
    }

    await pp.send({ topic: ptopic, value: { x: 'hello' }, partition: 0 })
    await pp2.send({ topic: ptopic, value: { id: '12345678901234', item: 'pen', status: 'PAID', lines: [{ sku: 'a', qty: 2 }] }, partition: 0 })
    const rawProto = await consumeAll<Buffer>(ptopic, undefined, 2)
    assert.deepEqual(unframe(ptopic, rawProto[0]!.value!, true).indexes, [1], 'Other is the second top-level message (enums do not count)')
    assert.deepEqual(unframe(ptopic, rawProto[1]!.value!, true).indexes, [0])
    const read = await consumeAll<Record<string, unknown>>(ptopic, new ProtobufDeserializer(client), 2)
    assert.deepEqual(read[0]!.value, { x: 'hello' })
    assert.deepEqual(read[1]!.value, { id: '12345678901234', item: 'pen', status: 'PAID', lines: [{ sku: 'a', qty: 2 }] })
  } finally {
    await p.close()
    await pp.close()
    await pp2.close()
    await deleteTopic(topic)
    await deleteTopic(ptopic)
  }
})

test('unknown schema id and a registry that cannot be reached: typed errors with the cause, bounded time', async () => {
  const topic = uniqueName('sr-fail')
  await createTopic(topic, 1)
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  try {
    const raw = new Producer({ 'bootstrap.servers': bootstrapServers() })
    await raw.send({ topic, value: frame(987654321, Buffer.from([2, 0x61])), partition: 0 })
    await raw.close()
    const c = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'auto.offset.reset': 'earliest', 'value.deserializer': new AvroDeserializer(client) })
    try {
      c.assign([{ topic, partition: 0 }])
      let error: unknown
      for (let i = 0; i < 60 && error === undefined; i++) await c.poll(1000).catch((e: unknown) => (error = e))
      assert.ok(error instanceof DeserializationError, String(error))
      assert.equal(error.context.offset, 0n)
      const cause = error.cause as SerializationError
      assert.equal(cause.context.schemaId, 987654321)
      assert.equal(cause.context.errorCode, 40403)
    } finally {
      await c.close()
    }
    // Nothing listens on port 1: connection refused, retried max.retries times, then the send fails.
    const down = new SchemaRegistryClient({ 'schema.registry.url': 'http://127.0.0.1:1', 'max.retries': 2, 'retry.backoff.ms': 10 })
    const p = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': new AvroSerializer(down, userV1) })
    try {
      const e = await p.send({ topic, value: { name: 'a', age: 1 } }).then(() => undefined, (err: unknown) => err)
      assert.ok(e instanceof SerializationError, String(e))
      assert.ok(e.cause instanceof SchemaRegistryError)
      assert.match(e.cause.message, /127\.0\.0\.1:1/)
    } finally {
      await p.close()
    }
  } finally {
    await deleteTopic(topic)
  }
})

test('Protobuf schema evolution: v1 and v2 writers; readers with the v2, the v1 and no reader schema (a field added, one removed)', async () => {
  const topic = uniqueName('sr-proto-evolve')
  await createTopic(topic, 1)
  const client = new SchemaRegistryClient({ 'schema.registry.url': registryUrl() })
  const v1 = 'syntax = "proto3";\npackage dev.samsa.evolve;\nmessage Order {\n  int64 id = 1;\n  string item = 2;\n}\n'
  // v2 adds note and tags, and removes item (its number reserved): Protobuf
  // readers match fields by number, so each version reads the other's records.
  const v2 = 'syntax = "proto3";\npackage dev.samsa.evolve;\nmessage Order {\n  int64 id = 1;\n  reserved 2;\n  string note = 3;\n  repeated string tags = 4;\n}\n'
  try {
    await client.register(`${topic}-value`, { schema: v1, schemaType: 'PROTOBUF' })
    await client.setCompatibility('BACKWARD', `${topic}-value`)
    const added = v1.replace('  string item = 2;\n', '  string item = 2;\n  string note = 3;\n  repeated string tags = 4;\n')
    assert.equal(await client.testCompatibility(`${topic}-value`, { schema: added, schemaType: 'PROTOBUF' }), true, 'adding fields is backward compatible')
    // Apicurio's Protobuf check (protolock's rules) refuses removing a field
    // even with its number reserved, so v2 goes in with the check off.
    await client.setCompatibility('NONE', `${topic}-value`)
    for (const [schema, value] of [[v1, { id: '1', item: 'pen' }], [v2, { id: '2', note: 'gift', tags: ['a', 'b'] }]] as const) {
      const p = new Producer({ 'bootstrap.servers': bootstrapServers(), 'value.serializer': new ProtobufSerializer(client, schema) })
      try {
        await p.send({ topic, value, partition: 0 })
      } finally {
        await p.close()
      }
    }
    assert.deepEqual(await client.getVersions(`${topic}-value`), [1, 2])
    const values = async (deserializer: unknown): Promise<unknown[]> => (await consumeAll<unknown>(topic, deserializer, 2)).map((r) => r.value)
    assert.deepEqual(await values(new ProtobufDeserializer(client, { readerSchema: v2 })),
      [{ id: '1', note: '', tags: [] }, { id: '2', note: 'gift', tags: ['a', 'b'] }], 'v2 reader: the v1 record has the new fields at their defaults and no item')
    assert.deepEqual(await values(new ProtobufDeserializer(client, { readerSchema: v1 })),
      [{ id: '1', item: 'pen' }, { id: '2', item: '' }], 'v1 reader: the v2 record has item at its default, note and tags dropped')
    assert.deepEqual(await values(new ProtobufDeserializer(client)),
      [{ id: '1', item: 'pen' }, { id: '2', note: 'gift', tags: ['a', 'b'] }], 'no reader schema: each record as its writer wrote it')
    // A reader whose message has another name: messageName picks it; without it the record is a DeserializationError.
    const renamed = v2.replace('package dev.samsa.evolve;', 'package dev.samsa.app;').replace('message Order', 'message Purchase')
    assert.deepEqual(await values(new ProtobufDeserializer(client, { readerSchema: renamed, messageName: 'Purchase' })),
      [{ id: '1', note: '', tags: [] }, { id: '2', note: 'gift', tags: ['a', 'b'] }])
    const c = new Consumer({ 'bootstrap.servers': bootstrapServers(), 'auto.offset.reset': 'earliest', 'value.deserializer': new ProtobufDeserializer(client, { readerSchema: renamed }) })
    try {
      c.assign([{ topic, partition: 0 }])
      let error: unknown
      for (let i = 0; i < 60 && error === undefined; i++) await c.poll(1000).catch((e: unknown) => (error = e))
      assert.ok(error instanceof DeserializationError, String(error))
      assert.equal(error.context.offset, 0n)
      assert.match((error.cause as Error).message, /reader schema has no message dev\.samsa\.evolve\.Order .*dev\.samsa\.app\.Purchase/)
    } finally {
      await c.close()
    }
    assert.throws(() => new ProtobufDeserializer(client, { messageName: 'Order' }), /give readerSchema too/)
  } finally {
    await deleteTopic(topic)
  }
})
