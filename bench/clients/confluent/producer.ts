// @confluentinc/kafka-javascript (librdkafka) producer: one produce() per
// record, delivery reports polled on librdkafka's background thread.
// librdkafka does not wait for room: beyond queue.buffering.max.kbytes
// produce() throws QUEUE_FULL at once. Held at that bound (job.bufferMemory),
// records it refused wait here in order, as samsa's and Java's sends wait
// for buffer.memory, and go in again as deliveries make room.
import { produce, produced, runDriver } from '../../lib/driver.js'
import { connected, producerConfig, rdkafka } from './rdkafka.js'

await runDriver(async (job) => {
  const Kafka = await rdkafka()
  const producer = new Kafka.Producer(producerConfig(job))
  await connected(producer)
  const QUEUE_FULL = Kafka.CODES.ERRORS.ERR__QUEUE_FULL
  const waiting: Array<[Buffer, (error: unknown) => void, string]> = []
  let head = 0
  let timer: NodeJS.Timeout | null = null
  /** false: the queue is full */
  const tryProduce = (value: Buffer, done: (error: unknown) => void, topic: string): boolean => {
    try {
      producer.produce(topic, null, value, null, null, done)
      return true
    } catch (err) {
      if ((err as { code?: number }).code === QUEUE_FULL) return false
      done(err)
      return true
    }
  }
  const drain = (): void => {
    timer = null
    while (head < waiting.length && tryProduce(...waiting[head]!)) waiting[head++] = undefined as never
    if (head === waiting.length) { waiting.length = 0; head = 0 } else timer = setTimeout(drain, 1)
  }
  producer.on('delivery-report', (err: unknown, report: any) => { report.opaque(err) })
  producer.setPollInBackground(true)
  const outcome = await produce(job, {
    sendOne: (value, done, topic) => {
      if (head < waiting.length || !tryProduce(value, done, topic)) {
        waiting.push([value, done, topic])
        timer ??= setTimeout(drain, 1)
      }
    }
  })
  return { report: produced(outcome), close: () => new Promise<void>((resolve) => producer.disconnect(() => resolve())) }
})
