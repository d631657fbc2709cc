// KafkaJS 2.2.4 group consumer, eachBatch (its fastest mode; eachMessage
// awaits a callback per record), from earliest.
import { ConsumeCounter, consumed, importPeer, runDriver } from '../../lib/driver.js'

await runDriver(async (job, meter) => {
  const { Kafka, logLevel } = await importPeer('kafkajs')
  const kafka = new Kafka({ clientId: 'bench', brokers: [job.bootstrap], logLevel: logLevel.NOTHING })
  const counter = new ConsumeCounter(job.count)  // joinMs counts from here
  const consumer = kafka.consumer(job.defaults
    ? { groupId: job.groupId }
    : {
        groupId: job.groupId,
        minBytes: 1,
        maxWaitTimeInMs: 500,
        maxBytesPerPartition: job.maxMessageBytes ?? 1024 * 1024,
        maxBytes: 50 * 1024 * 1024
      })
  await consumer.connect()
  await consumer.subscribe({ topics: job.topics, fromBeginning: true })
  await consumer.run({
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch }: any) => {
      let bytes = 0
      for (const m of batch.messages) {
        bytes += m.value ? m.value.length : 0
        counter.see(batch.partition, m.offset, batch.topic)
      }
      counter.add(batch.messages.length, bytes)
    }
  })
  await counter.done
  return { report: consumed(counter, meter, 'eachBatch'), close: () => consumer.disconnect() }
})
