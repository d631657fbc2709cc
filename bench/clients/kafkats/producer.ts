// @kafkats/client producer. It accumulates records itself (lingerMs,
// maxBatchBytes), but one send() per record tops out near 11k msgs/s at
// ~40 µs CPU each here (a promise and bookkeeping per record), while send()
// with an array reaches about 20× that: it is fed arrays (batch.size worth
// per partition), its fastest path. One call's keyless records all go to one
// sticky partition as one batch (its accumulator does not split a call by
// maxBatchBytes), so a call holds at most what fits max.message.bytes: 15
// records of 64 KiB, one of 1 MiB (90 and 6 per call were refused
// MESSAGE_TOO_LARGE).
import { importPeer, produce, produced, runDriver } from '../../lib/driver.js'

await runDriver(async (job) => {
  const { KafkaClient } = await importPeer('@kafkats/client')
  const client = new KafkaClient({ clientId: 'bench', brokers: [job.bootstrap], logLevel: 'error' })
  await client.connect()
  const acks = job.acks === -1 ? 'all' : job.acks === 0 ? 'none' : 'leader'
  const producer = client.producer(job.defaults ? { acks } : {
    acks,
    lingerMs: job.lingerMs,
    maxBatchBytes: job.batchSize,
    compression: job.compression,
    idempotent: false,
    maxInFlight: 5
  })
  const outcome = await produce(job, {
    sendMany: (values, topic) => producer.send(topic, values.map((value) => ({ value })))
  }, { oneBatchPerCall: true })
  return { report: produced(outcome), close: async () => { await producer.disconnect(); await client.disconnect() } }
})
