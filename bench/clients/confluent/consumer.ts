// @confluentinc/kafka-javascript (librdkafka) group consumer in flowing mode
// (consume() with no count: a native loop emitting 'data' per message), its
// fastest here: about twice the rate of a consume(1000) / consume(10000) loop
// at the same CPU per message.
import { ConsumeCounter, consumed, countEach, runDriver } from '../../lib/driver.js'
import { connected, consumerConfig, consumerTopicConfig, rdkafka } from './rdkafka.js'

await runDriver(async (job, meter) => {
  const Kafka = await rdkafka()
  const counter = new ConsumeCounter(job.count)  // joinMs counts from here
  const consumer = new Kafka.KafkaConsumer(consumerConfig(job), consumerTopicConfig)
  await connected(consumer)
  consumer.subscribe(job.topics)
  consumer.on('data', countEach(counter))
  consumer.consume()
  await counter.done
  return { report: consumed(counter, meter, "flowing mode, 'data' events"), close: () => new Promise<void>((resolve) => consumer.disconnect(() => resolve())) }
})
