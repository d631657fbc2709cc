// samsa: one send() per record; the consumer polls in a loop of its own.
import { endToEnd, produced, runDriver } from '../../lib/driver.js'
import { samsa } from './load.js'

await runDriver(async (job) => {
  const { Producer, Consumer } = await samsa(['Producer', 'Consumer'])
  const producer = new Producer({
    'bootstrap.servers': job.bootstrap,
    'client.id': 'bench',
    'acks': job.acks === -1 ? 'all' : job.acks,
    'linger.ms': job.lingerMs,
    'batch.size': job.batchSize,
    'enable.idempotence': false
  })
  const consumer = new Consumer({
    'bootstrap.servers': job.bootstrap,
    'client.id': 'bench',
    'group.id': job.groupId,
    'auto.offset.reset': 'earliest',
    'fetch.min.bytes': 1,
    'fetch.max.wait.ms': 500
  })
  let polling = true
  let loop: Promise<void> = Promise.resolve()
  const outcome = await endToEnd(job, {
    send: (value) => producer.send({ topic: job.topic, value }),
    startConsumer: async (onValue) => {
      consumer.subscribe([job.topic])
      loop = (async () => {
        while (polling) {
          const records = await consumer.poll(100)
          for (const r of records) onValue(r.value)
        }
      })()
      loop.catch((err: unknown) => { process.stderr.write(`poll: ${String(err)}\n`) })
    }
  })
  polling = false
  return { report: produced(outcome), close: async () => { await loop.catch(() => {}); await consumer.close(); await producer.close() } }
})
