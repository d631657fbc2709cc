// KafkaJS 2.2.4 producer. KafkaJS has no linger or batch size: each send()
// call becomes one Produce request, so it is fed arrays of records (batch.size
// worth per partition) with up to 5 calls outstanding (its max in flight).
import { importPeer, produce, produced, runDriver } from '../../lib/driver.js'

await runDriver(async (job) => {
  const { Kafka, CompressionTypes, CompressionCodecs, logLevel } = await importPeer('kafkajs')
  if (job.compression === 'lz4') {
    // KafkaJS ships GZIP only; LZ4 is the kafkajs-lz4 codec package (native lz4 binding)
    const LZ4 = await importPeer('kafkajs-lz4')
    CompressionCodecs[CompressionTypes.LZ4] = new (LZ4.default ?? LZ4)().codec
  }
  const kafka = new Kafka({ clientId: 'bench', brokers: [job.bootstrap], logLevel: logLevel.NOTHING })
  const producer = kafka.producer(job.defaults ? {} : { allowAutoTopicCreation: false, idempotent: false, maxInFlightRequests: 5 })
  await producer.connect()
  const compression = job.compression === 'lz4' ? CompressionTypes.LZ4 : CompressionTypes.None
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
