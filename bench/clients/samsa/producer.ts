// samsa producer: one send() per record with a callback (its accumulator
// batches by linger.ms and batch.size, like the Java client's).
import { produce, produced, runDriver } from '../../lib/driver.js'
import { samsa } from './load.js'

await runDriver(async (job) => {
  const { Producer } = await samsa(['Producer'])
  const producer = new Producer(job.defaults ? { 'bootstrap.servers': job.bootstrap, 'acks': job.acks === -1 ? 'all' : job.acks } : {
    'bootstrap.servers': job.bootstrap,
    'client.id': 'bench',
    'acks': job.acks === -1 ? 'all' : job.acks,
    'linger.ms': job.lingerMs,
    'batch.size': job.batchSize,
    'compression.type': job.compression,
    'enable.idempotence': false,
    'max.in.flight.requests.per.connection': 5
  })
  const outcome = await produce(job, {
    sendOne: (value, done) => { producer.send({ topic: job.topic, value }, done) }
  })
  return { report: produced(outcome), close: () => producer.close() }
})
