// @confluentinc/kafka-javascript (librdkafka) group consumer: consume(1000)
// in a loop, returning as soon as a first message is there.
import { ConsumeCounter, consumed, runDriver } from '../../lib/driver.js'
import { connected, consumerConfig, consumerTopicConfig, rdkafka } from './rdkafka.js'

await runDriver(async (job, meter) => {
  const Kafka = await rdkafka()
  const consumer = new Kafka.KafkaConsumer(consumerConfig(job), consumerTopicConfig)
  const counter = new ConsumeCounter(job.count)
  await connected(consumer)
  consumer.setDefaultIsTimeoutOnlyForFirstMessage(true)
  consumer.setDefaultConsumeTimeout(500)
  consumer.subscribe([job.topic])
  let stop = false
  const loop = (): void => {
    consumer.consume(1000, (err: unknown, messages: any[]) => {
      if (err) process.stderr.write(`consume: ${String(err)}\n`)
      let bytes = 0
      for (const m of messages ?? []) bytes += m.value ? m.value.length : 0
      if (messages?.length && counter.add(messages.length, bytes)) stop = true
      if (!stop) setImmediate(loop)
    })
  }
  loop()
  await counter.done
  return { report: consumed(counter, meter, 'consume(1000) loop'), close: () => new Promise<void>((resolve) => consumer.disconnect(() => resolve())) }
})
