// KafkaJS 2.2.4 + @kafkajs/confluent-schema-registry: run({ eachBatch }),
// registry.decode() per record.
import { ConsumeCounter, consumed, importPeer, runDriver } from '../../lib/driver.js'

await runDriver(async (job, meter) => {
  const { Kafka, logLevel } = await importPeer('kafkajs')
  const { SchemaRegistry } = await importPeer('@kafkajs/confluent-schema-registry')
  const sr = new SchemaRegistry({ host: job.registry })
  const kafka = new Kafka({ clientId: 'bench', brokers: [job.bootstrap], logLevel: logLevel.NOTHING })
  const consumer = kafka.consumer({ groupId: job.groupId, minBytes: 1, maxWaitTimeInMs: 500, maxBytesPerPartition: 1024 * 1024, maxBytes: 50 * 1024 * 1024 })
  await consumer.connect()
  await consumer.subscribe({ topic: job.topic, fromBeginning: true })
  const counter = new ConsumeCounter(job.count)
  void consumer.run({
    eachBatch: async ({ batch }: { batch: { partition: number, messages: { value: Buffer, offset: string }[] } }) => {
      for (const m of batch.messages) {
        await sr.decode(m.value)
        counter.see(batch.partition, m.offset)
      }
      counter.add(batch.messages.length, batch.messages.length * 1024)
    }
  })
  await counter.done
  return { report: consumed(counter, meter, 'run({ eachBatch }), registry.decode()'), close: () => consumer.disconnect() }
})
