// @confluentinc/kafka-javascript (its KafkaJS-style API) + @confluentinc/schemaregistry:
// AvroSerializer.serialize() then send() per record (librdkafka batches by
// linger.ms and batch.size).
import { avroValues, SCHEMA } from '../../lib/avro.js'
import { importPeer, produce, produced, runDriver } from '../../lib/driver.js'

await runDriver(async (job) => {
  const { KafkaJS } = await importPeer('@confluentinc/kafka-javascript')
  const { SchemaRegistryClient, AvroSerializer, SerdeType } = await importPeer('@confluentinc/schemaregistry')
  const client = new SchemaRegistryClient({ baseURLs: [job.registry] })
  await client.register(`${job.topic}-value`, { schemaType: 'AVRO', schema: JSON.stringify(SCHEMA) })
  const ser = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true })
  const pool = avroValues()
  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: [job.bootstrap], logLevel: KafkaJS.logLevel.NOTHING } })
  const producer = kafka.producer({ kafkaJS: { acks: job.acks, idempotent: false }, 'linger.ms': job.lingerMs, 'batch.size': job.batchSize })
  await producer.connect()
  await producer.send({ topic: job.topic, messages: [{ value: await ser.serialize(job.topic, pool[0]) }] }) // connect, schema look-up: untimed
  let i = 0
  // One serialize() at a time, in order (as an application awaiting it would);
  // thousands started at once each look the schema up in the registry.
  let serialized: Promise<unknown> = Promise.resolve()
  const outcome = await produce(job, {
    sendOne: (_bytes, done) => {
      const value = pool[i++ & 255]
      serialized = serialized.then(() => ser.serialize(job.topic, value)).then((bytes: Buffer) => {
        producer.send({ topic: job.topic, messages: [{ value: bytes }] }).then(() => done(null), done)
      }, done)
    }
  })
  return { report: produced(outcome), close: () => producer.disconnect() }
})
