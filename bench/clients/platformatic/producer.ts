// @platformatic/kafka producer (on Node 22: it needs >= 22). Its send() has
// no linger: each call is one Produce request per broker, so it is fed
// arrays of records (batch.size worth per partition), up to 5 calls outstanding.
import { importPeer, produce, produced, runDriver } from '../../lib/driver.js'

await runDriver(async (job) => {
  const { Producer } = await importPeer('@platformatic/kafka')
  const producer = new Producer(job.defaults ? { clientId: 'bench', bootstrapBrokers: [job.bootstrap], acks: job.acks } : {
    clientId: 'bench',
    bootstrapBrokers: [job.bootstrap],
    acks: job.acks,
    compression: job.compression,
    idempotent: false,
    autocreateTopics: false
  })
  const outcome = await produce(job, {
    sendMany: (values, topic) => producer.send({ messages: values.map((value) => ({ topic, value })) })
  })
  return { report: produced(outcome), close: () => producer.close() }
})
