// KafkaJS 2.2.4 group consumer, eachBatch (its fastest mode; eachMessage
// awaits a callback per record), from earliest.
import { ConsumeCounter, consumed, importPeer, runDriver } from '../../lib/driver.js'
import { eachBatch, fetchSettings } from './batch.js'
import { registerLz4 } from './lz4.js'
import { registerSnappy } from './snappy.js'
import { registerZstd } from './zstd.js'

await runDriver(async (job, meter) => {
  const kafkajs = await importPeer('kafkajs')
  const { Kafka, logLevel } = kafkajs
  if (job.compression === 'lz4') await registerLz4(kafkajs)  // a topic written with LZ4 (consume-1KiB-lz4)
  if (job.compression === 'zstd') await registerZstd(kafkajs)  // a topic written with zstd (consume-1KiB-zstd)
  if (job.compression === 'snappy') await registerSnappy(kafkajs)  // a topic written with Snappy (consume-1KiB-snappy)
  const kafka = new Kafka({ clientId: 'bench', brokers: [job.bootstrap], logLevel: logLevel.NOTHING })
  const counter = new ConsumeCounter(job.count)  // joinMs counts from here
  const consumer = kafka.consumer(job.defaults
    ? { groupId: job.groupId }
    : { groupId: job.groupId, ...fetchSettings(job) })
  await consumer.connect()
  await consumer.subscribe({ topics: job.topics, fromBeginning: true })
  await consumer.run({ eachBatchAutoResolve: true, eachBatch: eachBatch(counter) })
  await counter.done
  return { report: consumed(counter, meter, 'eachBatch'), close: () => consumer.disconnect() }
})
