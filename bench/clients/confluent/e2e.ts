// @confluentinc/kafka-javascript (librdkafka): produce() per record with
// background delivery polling; consumer in flowing mode ('data' per message).
import { endToEnd, produced, runDriver } from '../../lib/driver.js'
import { connected, consumerConfig, consumerTopicConfig, producerConfig, rdkafka } from './rdkafka.js'

await runDriver(async (job) => {
  const Kafka = await rdkafka()
  const producer = new Kafka.Producer(producerConfig(job))
  const consumer = new Kafka.KafkaConsumer(consumerConfig(job), consumerTopicConfig)
  await connected(producer)
  producer.setPollInBackground(true)
  const outcome = await endToEnd(job, {
    send: (value) => { producer.produce(job.topic, null, value) },
    startConsumer: async (onValue) => {
      await connected(consumer)
      consumer.subscribe([job.topic])
      consumer.on('data', (m: any) => { onValue(m.value) })
      consumer.consume()
    }
  })
  return {
    report: produced(outcome),
    close: async () => {
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()))
      await new Promise<void>((resolve) => producer.disconnect(() => resolve()))
    }
  }
})
