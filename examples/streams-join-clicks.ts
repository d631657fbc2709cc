// Stream–stream join with samsa/streams: ad impressions and clicks, both
// keyed by user, joined when the click comes within a minute of the
// impression. leftJoin keeps the impressions nobody clicked: each is emitted
// once, joined with null, when its minute has passed (by the records'
// timestamps), never early and never twice.
//
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 npx tsx examples/streams-join-clicks.ts [impressions-topic] [clicks-topic] [output-topic]
//
// With DEMO=1 it creates the topics, writes three impressions and two clicks
// (one too late), prints the results as they come and stops; otherwise it
// runs until Ctrl-C.
import { Admin, Producer, serializers } from '../src/index.js'
import { JoinWindows, KafkaStreams, QueryableStoreTypes, Serdes, StreamsBuilder } from '../src/streams/index.js'

const bootstrap = process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092'
const impressions = process.argv[2] ?? 'ad-impressions'
const clicks = process.argv[3] ?? 'ad-clicks'
const output = process.argv[4] ?? 'ad-results'
const demo = process.env.DEMO === '1'
let printed = 0

const strings = { keySerde: Serdes.string, valueSerde: Serdes.string }
const builder = new StreamsBuilder()
builder.stream(impressions, strings)
  .leftJoin(
    builder.stream(clicks, strings),
    (ad, click) => (click === null ? `${ad} not clicked` : `${ad} clicked`),
    JoinWindows.ofTimeDifferenceAndGrace(60_000, 0).before(0), // a click up to 1 minute after the impression
    { storeName: 'impression-clicks' }, // stores impression-clicks-this-join-store, ...-outer-other-join-store, ...-left-shared-join-store
  )
  .peek((user, result) => {
    printed++
    console.log(`${user}: ${result}`)
  })
  .to(output, { valueSerde: Serdes.string })

await ensureTopics()
const streams = new KafkaStreams(builder.build(), {
  'bootstrap.servers': bootstrap,
  'application.id': `streams-join-clicks-${impressions}`,
  'commit.interval.ms': 500,
})
streams.onError((e) => console.error(`join stopped: ${e.message}`))

if (demo) {
  const t = Date.now() - 300_000
  await send(impressions, [['u1', 'ad-1', t], ['u2', 'ad-2', t], ['u3', 'ad-3', t + 1_000]])
  await streams.start()
  const waiting = streams.store('impression-clicks-this-join-store', QueryableStoreTypes.windowStore<string, string>())
  await until(() => [...waiting.all()].length === 3)
  // u1 clicks after 20 s; u3 after 89 s, too late. That click moves stream time past the others' minute.
  await send(clicks, [['u1', 'ad-1', t + 20_000], ['u3', 'ad-3', t + 90_000]])
  await until(() => printed >= 3)
  await streams.close()
  console.log('join-clicks: done')
} else {
  await streams.start()
  console.log(`joining ${impressions} with ${clicks} into ${output}`)
  process.once('SIGINT', () => void streams.close())
}

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer)
        resolve()
      }
    }, 100)
  })
}

async function ensureTopics(): Promise<void> {
  const admin = new Admin({ 'bootstrap.servers': bootstrap })
  try {
    const existing = await admin.listTopics()
    // One partition each: one task, so one stream time for every user (a demo; a real one would have more).
    const wanted = [impressions, clicks, output].filter((topic) => !existing.includes(topic)).map((topic) => ({ topic, numPartitions: 1 }))
    if (wanted.length > 0) await admin.createTopics(wanted)
  } finally {
    await admin.close()
  }
}

async function send(topic: string, records: [string, string, number][]): Promise<void> {
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'key.serializer': serializers.string, 'value.serializer': serializers.string })
  try {
    for (const [key, value, timestamp] of records) await producer.send({ topic, key, value, timestamp })
  } finally {
    await producer.close()
  }
}
