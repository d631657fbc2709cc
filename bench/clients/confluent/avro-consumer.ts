// @confluentinc/kafka-javascript (its KafkaJS-style API) + @confluentinc/schemaregistry:
// run({ eachMessage }), AvroDeserializer.deserialize() per record.
import { ConsumeCounter, consumed, importPeer, runDriver } from '../../lib/driver.js'

await runDriver(async (job, meter) => {
  const { KafkaJS } = await importPeer('@confluentinc/kafka-javascript')
  const { SchemaRegistryClient, AvroDeserializer, SerdeType } = await importPeer('@confluentinc/schemaregistry')
  const des = new AvroDeserializer(new SchemaRegistryClient({ baseURLs: [job.registry] }), SerdeType.VALUE, {})
  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: [job.bootstrap], logLevel: KafkaJS.logLevel.NOTHING } })
  const consumer = kafka.consumer({ kafkaJS: { groupId: job.groupId, fromBeginning: true }, 'fetch.min.bytes': 1, 'fetch.wait.max.ms': 500, 'max.partition.fetch.bytes': 1024 * 1024, 'fetch.max.bytes': 50 * 1024 * 1024 })
  await consumer.connect()
  await consumer.subscribe({ topic: job.topic })
  const counter = new ConsumeCounter(job.count)
  void consumer.run({
    eachMessage: async ({ partition, message }: { partition: number, message: { value: Buffer, offset: string } }) => {
      await des.deserialize(job.topic, message.value)
      counter.see(partition, message.offset)
      counter.add(1, 1024)
    }
  })
  await counter.done
  return { report: consumed(counter, meter, 'run({ eachMessage }), AvroDeserializer'), close: () => consumer.disconnect() }
})
