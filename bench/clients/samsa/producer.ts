// samsa producer: one send() per record with a callback (its accumulator
// batches by linger.ms and batch.size, like the Java client's).
import { produce, produced, runDriver } from '../../lib/driver.js'
import { producerConfig, samsa } from './common.js'

await runDriver(async (job) => {
  const { Producer } = await samsa(['Producer'])
  const producer = new Producer(producerConfig(job))
  const outcome = await produce(job, {
    sendOne: (value, done, topic) => { producer.send({ topic, value }, done) }
  })
  return { report: produced(outcome), close: () => producer.close() }
})
