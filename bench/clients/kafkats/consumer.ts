// @kafkats/client group consumer, runBatch (a handler per fetched partition
// batch), from earliest, read_uncommitted like the Java default.
import { ConsumeCounter, consumed, importPeer, runDriver } from '../../lib/driver.js'

await runDriver(async (job, meter) => {
  const { KafkaClient } = await importPeer('@kafkats/client')
  const counter = new ConsumeCounter(job.count)  // joinMs counts from here
  const client = new KafkaClient({ clientId: 'bench', brokers: [job.bootstrap], logLevel: 'error' })
  await client.connect()
  const consumer = client.consumer(job.defaults
    ? { groupId: job.groupId, autoOffsetReset: 'earliest' }
    : {
        groupId: job.groupId,
        autoOffsetReset: 'earliest',
        isolationLevel: 'read_uncommitted',
        minBytes: 1,
        maxWaitMs: 500,
        maxBytesPerPartition: job.maxMessageBytes ?? 1024 * 1024
      })
  const running = consumer.runBatch(job.topics, async (messages: any[]) => {
    let bytes = 0
    for (const m of messages) {
      bytes += m.value ? m.value.length : 0
      counter.see(m.partition, m.offset, m.topic)
    }
    if (counter.add(messages.length, bytes)) consumer.stop()
  })
  running.catch((err: unknown) => { process.stderr.write(`runBatch: ${String(err)}\n`) })
  await counter.done
  return { report: consumed(counter, meter, 'runBatch'), close: async () => { consumer.stop(); await running.catch(() => {}); await client.disconnect() } }
})
