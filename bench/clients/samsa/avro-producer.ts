// samsa producer with samsa/schema-registry's AvroSerializer: one send() per
// record (an Avro object; the serializer registers the schema on first use).
import { avroValues, SCHEMA } from '../../lib/avro.js'
import { produce, produced, runDriver } from '../../lib/driver.js'
import { producerConfig, samsa, samsaSchemaRegistry } from './common.js'

await runDriver(async (job) => {
  const { Producer } = await samsa(['Producer'])
  const { AvroSerializer, SchemaRegistryClient } = await samsaSchemaRegistry()
  const pool = avroValues()
  const producer = new Producer(producerConfig(job, {
    'value.serializer': new AvroSerializer(new SchemaRegistryClient({ 'schema.registry.url': job.registry }), SCHEMA)
  }))
  await producer.send({ topic: job.topic, value: pool[0] }) // connect and register, untimed
  let i = 0
  const outcome = await produce(job, {
    sendOne: (_bytes, done) => { producer.send({ topic: job.topic, value: pool[i++ & 255] }, done) }
  })
  return { report: produced(outcome), close: () => producer.close() }
})
