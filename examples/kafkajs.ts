// KafkaJS's getting-started program on samsa: a producer sends a few
// messages, a consumer group prints them, and SIGINT/SIGTERM disconnect both
// cleanly (the shutdown pattern from KafkaJS's documentation).
//
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 npx tsx examples/kafkajs.ts [topic]
//
// In your own program the import is `from 'samsa/kafkajs'`: this checkout
// imports the sources directly so it runs without a build. With DEMO=1 it
// stops by itself once it has printed what it sent.
import { Kafka, logLevel, type EachMessagePayload } from '../src/kafkajs/index.js'

const topic = process.argv[2] ?? `kafkajs-demo-${Date.now()}`
const demo = process.env.DEMO === '1'

const kafka = new Kafka({
  clientId: 'my-app',
  brokers: (process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092').split(','),
  logLevel: logLevel.WARN,
})

const producer = kafka.producer()
const consumer = kafka.consumer({ groupId: `test-group-${topic}` })

let received = 0
const sent = 3

async function shutdown(reason: string): Promise<void> {
  console.log(`stopping (${reason})`)
  await consumer.disconnect()
  await producer.disconnect()
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void shutdown(signal).catch((e: Error) => console.error(e)))
}

await producer.connect()
const metadata = await producer.send({
  topic,
  messages: Array.from({ length: sent }, (_, i) => ({ key: `key-${i}`, value: `Hello KafkaJS user #${i}!` })),
})
console.log(`sent ${sent} messages: ${metadata.map((m) => `${m.topicName}[${m.partition}]@${m.baseOffset}`).join(', ')}`)

await consumer.connect()
await consumer.subscribe({ topics: [topic], fromBeginning: true })
await consumer.run({
  eachMessage: async ({ topic, partition, message }: EachMessagePayload) => {
    console.log(`${topic}[${partition}] ${message.offset} ${message.key?.toString()}: ${message.value?.toString()}`)
    if (++received === sent && demo) void shutdown('demo done')
  },
})
