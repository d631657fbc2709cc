// @kafkats/client producer: it accumulates records itself (lingerMs,
// maxBatchBytes), so it gets one send() per record.
import { importPeer, produce, produced, runDriver } from '../../lib/driver.js'

await runDriver(async (job) => {
  const { KafkaClient } = await importPeer('@kafkats/client')
  const client = new KafkaClient({ clientId: 'bench', brokers: [job.bootstrap], logLevel: 'error' })
  const producer = client.producer({
    acks: job.acks === -1 ? 'all' : job.acks === 0 ? 'none' : 'leader',
    lingerMs: job.lingerMs,
    maxBatchBytes: job.batchSize,
    compression: job.compression,
    idempotent: false,
    maxInFlight: 5
  })
  await producer.connect()
  const outcome = await produce(job, {
    sendOne: (value, done) => { producer.send(job.topic, { value }).then(() => done(null), done) }
  })
  return { report: produced(outcome), close: async () => { await producer.disconnect(); await client.disconnect?.() } }
})
