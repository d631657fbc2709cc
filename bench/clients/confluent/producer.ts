// @confluentinc/kafka-javascript (librdkafka) producer: one produce() per
// record, delivery reports polled on librdkafka's background thread.
import { produce, produced, runDriver } from '../../lib/driver.js'
import { connected, producerConfig, rdkafka } from './rdkafka.js'

await runDriver(async (job) => {
  const Kafka = await rdkafka()
  const producer = new Kafka.Producer(producerConfig(job))
  await connected(producer)
  producer.on('delivery-report', (err: unknown, report: any) => { report.opaque(err) })
  producer.setPollInBackground(true)
  const outcome = await produce(job, {
    sendOne: (value, done) => { producer.produce(job.topic, null, value, null, null, done) }
  })
  return { report: produced(outcome), close: () => new Promise<void>((resolve) => producer.disconnect(() => resolve())) }
})
