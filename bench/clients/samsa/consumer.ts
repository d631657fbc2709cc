// samsa group consumer: a poll() loop, from earliest.
import { ConsumeCounter, consumed, runDriver } from '../../lib/driver.js'
import { samsa } from './load.js'

function consumerConfig (bootstrap: string, groupId: string, defaults: boolean): Record<string, unknown> {
  if (defaults) return { 'bootstrap.servers': bootstrap, 'group.id': groupId, 'auto.offset.reset': 'earliest' }
  return {
    'bootstrap.servers': bootstrap,
    'client.id': 'bench',
    'group.id': groupId,
    'auto.offset.reset': 'earliest',
    'fetch.min.bytes': 1,
    'fetch.max.wait.ms': 500,
    'max.partition.fetch.bytes': 1024 * 1024,
    'fetch.max.bytes': 50 * 1024 * 1024
  }
}

await runDriver(async (job, meter) => {
  const { Consumer } = await samsa(['Consumer'])
  const counter = new ConsumeCounter(job.count)  // joinMs counts from here
  const consumer = new Consumer(consumerConfig(job.bootstrap, job.groupId, job.defaults))
  consumer.subscribe([job.topic])
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
  return { report: consumed(counter, meter, 'poll() loop'), close: () => consumer.close() }
})
