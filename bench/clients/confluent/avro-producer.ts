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
  let i = 0
  const outcome = await produce(job, {
    sendOne: (_bytes, done) => {
      ser.serialize(job.topic, pool[i++ & 255])
        .then((value: Buffer) => producer.send({ topic: job.topic, messages: [{ value }] }))
        .then(() => done(null), done)
    }
  })
  return { report: produced(outcome), close: () => producer.disconnect() }
})
