// samsa group consumer: a poll() loop, from earliest, over every topic of the job.
import { ConsumeCounter, consumed, runDriver } from '../../lib/driver.js'
import { consumerConfig, pollLoop, samsa } from './common.js'

await runDriver(async (job, meter) => {
  const { Consumer } = await samsa(['Consumer'])
  const counter = new ConsumeCounter(job.count)  // joinMs counts from here
  const consumer = new Consumer(consumerConfig(job))
  consumer.subscribe(job.topics)
  await pollLoop(consumer, counter)
  return { report: consumed(counter, meter, 'poll() loop'), close: () => consumer.close() }
})
