// @platformatic/kafka group consumer (Node 22): its message stream, 'data'
// events, committed offsets falling back to earliest (auto.offset.reset=earliest).
import { ConsumeCounter, consumed, importPeer, runDriver } from '../../lib/driver.js'

await runDriver(async (job, meter) => {
  const { Consumer } = await importPeer('@platformatic/kafka')
  const counter = new ConsumeCounter(job.count)  // joinMs counts from here
  const consumer = new Consumer({ clientId: 'bench', groupId: job.groupId, bootstrapBrokers: [job.bootstrap] })
  const stream = await consumer.consume(job.defaults
    ? { topics: job.topics, mode: 'committed', fallbackMode: 'earliest' }
    : {
        topics: job.topics,
        mode: 'committed',
        fallbackMode: 'earliest',
        autocommit: 5000,
        minBytes: 1,
        maxWaitTime: 500,
        maxBytesPerPartition: job.maxMessageBytes ?? 1024 * 1024,
        maxBytes: 50 * 1024 * 1024
      })
  stream.on('data', (m: any) => {
    counter.see(m.partition, m.offset, m.topic)
    counter.add(1, m.value ? m.value.length : 0)
  })
  stream.on('error', (err: unknown) => { process.stderr.write(`stream: ${String(err)}\n`) })
  await counter.done
  return { report: consumed(counter, meter, "stream 'data' events"), close: async () => { await stream.close(); await consumer.close(true) } }
})
