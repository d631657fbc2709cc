// @platformatic/kafka group consumer (Node 22): its message stream, 'data'
// events, committed offsets falling back to earliest (auto.offset.reset=earliest).
import { ConsumeCounter, consumed, countEach, importPeer, runDriver } from '../../lib/driver.js'
import { consumeOptions } from './options.js'

await runDriver(async (job, meter) => {
  const { Consumer } = await importPeer('@platformatic/kafka')
  const counter = new ConsumeCounter(job.count)  // joinMs counts from here
  const consumer = new Consumer({ clientId: 'bench', groupId: job.groupId, bootstrapBrokers: [job.bootstrap] })
  const stream = await consumer.consume(consumeOptions(job))
  stream.on('data', countEach(counter))
  stream.on('error', (err: unknown) => { process.stderr.write(`stream: ${String(err)}\n`) })
  await counter.done
  return { report: consumed(counter, meter, "stream 'data' events"), close: async () => { await stream.close(); await consumer.close(true) } }
})
