// @confluentinc/kafka-javascript (librdkafka): job.consumers KafkaConsumers
// of one group in this one process, flowing mode each; what a member owns is
// its assignments(), read every 10 ms.
import { GroupCounter, consumed, countEach, runDriver } from '../../lib/driver.js'
import { connected, consumerConfig, consumerTopicConfig, rdkafka } from './rdkafka.js'

await runDriver(async (job, meter) => {
  const Kafka = await rdkafka()
  const members = job.consumers ?? 8
  const counter = new GroupCounter(job.count, members, job.partitions * job.topics.length)  // joinMs counts from here
  const consumers = await Promise.all(Array.from({ length: members }, async () => {
    const consumer = new Kafka.KafkaConsumer(consumerConfig(job), consumerTopicConfig)
    await connected(consumer)
    consumer.subscribe(job.topics)
    consumer.on('data', countEach(counter))
    consumer.consume()
    return consumer
  }))
  const watch = setInterval(() => { consumers.forEach((c: any, i: number) => { counter.owns(i, c.assignments().length) }) }, 10)
  try {
    await counter.finished()
  } finally {
    clearInterval(watch)
  }
  return {
    report: consumed(counter, meter, `${members} consumers, flowing mode`),
    close: () => Promise.all(consumers.map((c: any) => new Promise<void>((resolve) => c.disconnect(() => resolve()))))
  }
})
