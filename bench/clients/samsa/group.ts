// samsa: job.consumers group consumers in this one process, each in its own
// poll() loop; each reports its assignment() after every poll.
import { GroupCounter, consumed, runDriver } from '../../lib/driver.js'
import { consumerConfig, pollLoop, samsa } from './common.js'

await runDriver(async (job, meter) => {
  const { Consumer } = await samsa(['Consumer'])
  const members = job.consumers ?? 8
  const counter = new GroupCounter(job.count, members, job.partitions * job.topics.length)  // joinMs counts from here
  let stop = false
  const consumers = Array.from({ length: members }, (_, i) => {
    const consumer = new Consumer(consumerConfig(job, { 'client.id': `bench-${i}` }))
    consumer.subscribe(job.topics)
    return consumer
  })
  const loops = consumers.map((consumer, i) => pollLoop(consumer, counter, {
    stop: () => stop,
    afterPoll: () => { counter.owns(i, consumer.assignment().length) }
  }))
  try {
    await Promise.race([counter.finished(), ...loops.map((l) => l.then(() => { throw new Error('a poll loop ended early') }))])
  } finally {
    stop = true
  }
  await Promise.all(loops)
  return { report: consumed(counter, meter, `${members} consumers, one poll() loop each`), close: () => Promise.all(consumers.map((c) => c.close())) }
})
