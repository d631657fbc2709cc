// samsa share group member: a poll() loop, records accepted implicitly by the next poll.
import { ShareCounter, consumed, runDriver } from '../../lib/driver.js'
import { pollLoop, samsa } from './common.js'

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
  await pollLoop(consumer, counter)
  return { report: consumed(counter, meter, 'poll() loop, implicit acknowledgement'), close: () => consumer.close() }
})
