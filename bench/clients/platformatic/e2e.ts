// @platformatic/kafka (Node 22): one send() per record, group consumer stream.
import { endToEnd, importPeer, produced, runDriver } from '../../lib/driver.js'

await runDriver(async (job) => {
  const { Producer, Consumer } = await importPeer('@platformatic/kafka')
  const producer = new Producer({ clientId: 'bench', bootstrapBrokers: [job.bootstrap], acks: job.acks, idempotent: false, autocreateTopics: false })
  const consumer = new Consumer({ clientId: 'bench', groupId: job.groupId, bootstrapBrokers: [job.bootstrap] })
  let stream: any = null
  const outcome = await endToEnd(job, {
    send: (value) => producer.send({ messages: [{ topic: job.topic, value }] }),
    startConsumer: async (onValue) => {
      stream = await consumer.consume({ topics: [job.topic], mode: 'committed', fallbackMode: 'earliest', minBytes: 1, maxWaitTime: 500 })
      stream.on('data', (m: any) => { onValue(m.value) })
    }
  })
  return { report: produced(outcome), close: async () => { await stream?.close(); await consumer.close(true); await producer.close() } }
})
