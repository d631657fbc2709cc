// KafkaJS 2.2.4 + @kafkajs/confluent-schema-registry: registry.encode() per
// record, arrays of batch.size × partitions worth per send() (as the plain
// KafkaJS producer driver), up to 5 calls outstanding.
import { avroValues, SCHEMA } from '../../lib/avro.js'
import { importPeer, produce, produced, runDriver } from '../../lib/driver.js'

await runDriver(async (job) => {
  const { Kafka, logLevel } = await importPeer('kafkajs')
  const { SchemaRegistry, SchemaType } = await importPeer('@kafkajs/confluent-schema-registry')
  const sr = new SchemaRegistry({ host: job.registry })
  const { id } = await sr.register({ type: SchemaType.AVRO, schema: JSON.stringify(SCHEMA) }, { subject: `${job.topic}-value` })
  const pool = avroValues()
  const kafka = new Kafka({ clientId: 'bench', brokers: [job.bootstrap], logLevel: logLevel.NOTHING })
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false, maxInFlightRequests: 5 })
  await producer.connect()
  let i = 0
  const outcome = await produce(job, {
    sendMany: async (values) => {
      const messages = new Array(values.length)
      for (let k = 0; k < values.length; k++) messages[k] = { value: await sr.encode(id, pool[i++ & 255]) }
      return await producer.send({ topic: job.topic, acks: job.acks, messages })
    }
  })
  return { report: produced(outcome), close: () => producer.disconnect() }
})
