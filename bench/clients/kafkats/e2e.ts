// @kafkats/client: one send() per record, group consumer with runEach.
import { endToEnd, importPeer, produced, runDriver } from '../../lib/driver.js'

await runDriver(async (job) => {
  const { KafkaClient } = await importPeer('@kafkats/client')
  const client = new KafkaClient({ clientId: 'bench', brokers: [job.bootstrap], logLevel: 'error' })
  await client.connect()
  const producer = client.producer({ acks: 'leader', lingerMs: job.lingerMs, maxBatchBytes: job.batchSize, idempotent: false })
  const consumer = client.consumer({ groupId: job.groupId, autoOffsetReset: 'earliest', isolationLevel: 'read_uncommitted', minBytes: 1, maxWaitMs: 500 })
  let running: Promise<void> = Promise.resolve()
  const outcome = await endToEnd(job, {
    send: (value) => producer.send(job.topic, { value }),
    startConsumer: async (onValue) => {
      running = consumer.runEach(job.topic, async (m: any) => { onValue(m.value) })
      running.catch((err: unknown) => { process.stderr.write(`runEach: ${String(err)}\n`) })
    }
  })
  return { report: produced(outcome), close: async () => { consumer.stop(); await running.catch(() => {}); await producer.disconnect(); await client.disconnect() } }
})
