// samsa: one send() per record; the consumer polls in a loop of its own.
import { endToEnd, produced, runDriver } from '../../lib/driver.js'
import { consumerConfig, producerConfig, samsa } from './common.js'

await runDriver(async (job) => {
  const { Producer, Consumer } = await samsa(['Producer', 'Consumer'])
  const producer = new Producer(producerConfig(job))
  const consumer = new Consumer(consumerConfig(job))
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
