// samsa share group member: a poll() loop, records accepted implicitly by the next poll.
import { ShareCounter, consumed, runDriver } from '../../lib/driver.js'
import { samsa } from './load.js'

await runDriver(async (job, meter) => {
  const { ShareConsumer } = await samsa(['ShareConsumer'])
  const consumer = new ShareConsumer({
    'bootstrap.servers': job.bootstrap,
    'client.id': 'bench',
    'group.id': job.groupId,
    'fetch.min.bytes': 1,
    'fetch.max.wait.ms': 500,
    'fetch.max.bytes': 50 * 1024 * 1024,
    'max.poll.records': 500
  })
  consumer.subscribe([job.topic])
  const counter = new ShareCounter(job.count)
  for (;;) {
    const records = await consumer.poll(500)
    if (records.count === 0) continue
    let bytes = 0
    for (const r of records) {
      bytes += r.value ? r.value.length : 0
      counter.see(r.partition, r.offset)
    }
    if (counter.add(records.count, bytes)) break
  }
  return { report: consumed(counter, meter, 'poll() loop, implicit acknowledgement'), close: () => consumer.close() }
})
