// KafkaJS 2.2.4 producer. KafkaJS has no linger or batch size: each send()
// call becomes one Produce request, so it is fed arrays of records (batch.size
// worth per partition) with up to 5 calls outstanding (its max in flight).
import { importPeer, produce, produced, runDriver } from '../../lib/driver.js'
import { registerLz4 } from './lz4.js'
import { registerSnappy } from './snappy.js'
import { registerZstd } from './zstd.js'

await runDriver(async (job) => {
  const kafkajs = await importPeer('kafkajs')
  const { Kafka, CompressionTypes, logLevel } = kafkajs
  if (job.compression === 'lz4') await registerLz4(kafkajs)
  if (job.compression === 'zstd') await registerZstd(kafkajs)
  if (job.compression === 'snappy') await registerSnappy(kafkajs)
  const kafka = new Kafka({ clientId: 'bench', brokers: [job.bootstrap], logLevel: logLevel.NOTHING })
  const producer = kafka.producer(job.defaults ? {} : { allowAutoTopicCreation: false, idempotent: false, maxInFlightRequests: 5 })
  await producer.connect()
  const compression = { none: CompressionTypes.None, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD, snappy: CompressionTypes.Snappy }[job.compression]
  const outcome = await produce(job, {
    sendMany: (values, topic) => producer.send({
      topic,
      acks: job.acks,
      compression,
      messages: values.map((value) => ({ value }))
    })
  })
  return { report: produced(outcome), close: () => producer.disconnect() }
})
