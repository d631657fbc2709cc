// Word count with samsa/streams, Kafka Streams' canonical first example:
// read lines of text, split them into words, count each word in a table
// (a state store with a changelog topic) and write every new count to an
// output topic as a Java Long.
//
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 npx tsx examples/streams-word-count.ts [input-topic] [output-topic]
//
// With DEMO=1 it creates the topics, writes a few lines, waits until every
// word is counted, prints the counts from the store (an interactive query)
// and stops; otherwise it runs until Ctrl-C.
import { Admin, Producer, serializers } from '../src/index.js'
import { KafkaStreams, Serdes, StreamsBuilder } from '../src/streams/index.js'

const bootstrap = process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092'
const input = process.argv[2] ?? 'streams-plaintext-input'
const output = process.argv[3] ?? 'streams-wordcount-output'
const demo = process.env.DEMO === '1'
const LINES = ['all streams lead to kafka', 'hello kafka streams', 'join kafka summit']

const builder = new StreamsBuilder()
builder.stream(input, { keySerde: Serdes.string, valueSerde: Serdes.string })
  .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((word) => word !== ''))
  .groupBy((_key, word) => word, { keySerde: Serdes.string, valueSerde: Serdes.string })
  .count({ storeName: 'counts-store' })
  .toStream()
  .to(output, { valueSerde: Serdes.long })

await ensureTopics()
if (demo) await writeLines()

const streams = new KafkaStreams(builder.build(), {
  'bootstrap.servers': bootstrap,
  'application.id': `streams-wordcount-${input}`,
  'commit.interval.ms': 1000,
})
streams.onError((e) => console.error(`word count stopped: ${e.message}`))
await streams.start()
console.log(`counting the words of ${input} into ${output}`)

if (demo) {
  const counts = streams.store<string, number>('counts-store')
  const expected = new Set(LINES.join(' ').split(' ')).size
  while (counts.approximateNumEntries() < expected || counts.get('kafka') !== 3) await new Promise((r) => setTimeout(r, 200))
  for (const [word, count] of [...counts.all()].sort(([a], [b]) => a.localeCompare(b))) console.log(`${word}: ${count}`)
  await streams.close()
  console.log('word count: done')
} else {
  process.once('SIGINT', () => void streams.close())
}

async function ensureTopics(): Promise<void> {
  const admin = new Admin({ 'bootstrap.servers': bootstrap })
  try {
    const existing = await admin.listTopics()
    const missing = [input, output].filter((t) => !existing.includes(t))
    if (missing.length > 0) await admin.createTopics(missing.map((topic) => ({ topic, numPartitions: 2 })))
  } finally {
    await admin.close()
  }
}

async function writeLines(): Promise<void> {
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'value.serializer': serializers.string })
  await Promise.all(LINES.map((value) => producer.send({ topic: input, value })))
  await producer.close()
  console.log(`wrote ${LINES.length} lines to ${input}`)
}
