// Avro records through a Schema Registry, with schema evolution: write a record
// with schema v1, check that v2 (a new field with a default) is compatible,
// write one with v2, then read both with v2 as the reader's schema.
//
//   SCHEMA_REGISTRY_URL=http://127.0.0.1:8081/apis/ccompat/v7 KAFKA_BOOTSTRAP=127.0.0.1:9092 \
//     npx tsx examples/schema-registry.ts [topic]
//
// (npm run registry -- start runs a registry and prints its URL.)
import { Consumer, Producer, serializers } from '../src/index.js'
import { AvroDeserializer, AvroSerializer, SchemaRegistryClient } from '../src/schema-registry/index.js'

const topic = process.argv[2] ?? 'samsa-users'
const bootstrap = process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092'
const registry = new SchemaRegistryClient({ 'schema.registry.url': process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081' })

interface User { name: string; age: number; email?: string | null }
const userV1 = { type: 'record', name: 'User', namespace: 'com.example', fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }] }
const userV2 = { ...userV1, fields: [...userV1.fields, { name: 'email', type: ['null', 'string'], default: null }] }

async function produce(schema: object, user: User): Promise<void> {
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'key.serializer': serializers.string, 'value.serializer': new AvroSerializer<User>(registry, schema) })
  try {
    const md = await producer.send({ topic, key: user.name, value: user })
    console.log(`wrote ${user.name} at offset ${md.offset} of partition ${md.partition}`)
  } finally {
    await producer.close()
  }
}

await produce(userV1, { name: 'ada', age: 36 })
const compatible = await registry.testCompatibility(`${topic}-value`, { schema: JSON.stringify(userV2) })
console.log(`v2 compatible with v1: ${compatible}`)
await produce(userV2, { name: 'bob', age: 40, email: 'bob@example.com' })
console.log(`versions of ${topic}-value: ${(await registry.getVersions(`${topic}-value`)).join(', ')}`)

const consumer = new Consumer({
  'bootstrap.servers': bootstrap,
  'group.id': `${topic}-reader`,
  'auto.offset.reset': 'earliest',
  'key.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
  'value.deserializer': new AvroDeserializer<User>(registry, { readerSchema: userV2 }),
})
try {
  consumer.subscribe([topic])
  let read = 0
  for (let polls = 0; read < 2 && polls < 30; polls++) {
    for (const r of await consumer.poll(1000)) {
      console.log(`read ${r.key}: ${JSON.stringify(r.value)}`)
      read++
    }
  }
} finally {
  await consumer.close()
}
