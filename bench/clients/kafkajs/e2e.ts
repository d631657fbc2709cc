// KafkaJS 2.2.4: one send() per record (no linger), group consumer with eachMessage.
import { endToEnd, importPeer, produced, runDriver } from '../../lib/driver.js'

await runDriver(async (job) => {
  const { Kafka, logLevel } = await importPeer('kafkajs')
  const kafka = new Kafka({ clientId: 'bench', brokers: [job.bootstrap], logLevel: logLevel.NOTHING })
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false })
  const consumer = kafka.consumer({ groupId: job.groupId, minBytes: 1, maxWaitTimeInMs: 500 })
  await producer.connect()
  const outcome = await endToEnd(job, {
    send: (value) => producer.send({ topic: job.topic, acks: job.acks, messages: [{ value }] }),
    startConsumer: async (onValue) => {
      await consumer.connect()
      await consumer.subscribe({ topics: [job.topic], fromBeginning: true })
      await consumer.run({ eachMessage: async ({ message }: any) => { onValue(message.value) } })
    }
  })
  return { report: produced(outcome), close: async () => { await consumer.disconnect(); await producer.disconnect() } }
})
