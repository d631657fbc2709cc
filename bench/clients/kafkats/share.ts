// @kafkats/client share group member: runEach (a handler per record, acknowledged
// when the handler resolves), its default concurrency (10) and ack batching.
import { ShareCounter, consumed, importPeer, runDriver } from '../../lib/driver.js'

await runDriver(async (job, meter) => {
  const { KafkaClient } = await importPeer('@kafkats/client')
  const client = new KafkaClient({ clientId: 'bench', brokers: [job.bootstrap], logLevel: 'error' })
  await client.connect()
  const consumer = client.shareConsumer({ groupId: job.groupId, minBytes: 1, maxWaitMs: 500, maxBytes: 50 * 1024 * 1024, maxRecords: 500 })
  const counter = new ShareCounter(job.count)
  let stopping = false
  const running = consumer.runEach(job.topic, async (m: any) => {
    counter.see(m.partition, m.offset)
    if (counter.add(1, m.value ? m.value.length : 0) && !stopping) { stopping = true; void consumer.stop() }
  })
  running.catch((err: unknown) => { process.stderr.write(`runEach: ${String(err)}\n`) })
  await counter.done
  return { report: consumed(counter, meter, 'runEach, default concurrency 10'), close: async () => { await consumer.stop(); await running.catch(() => {}); await client.disconnect() } }
})
