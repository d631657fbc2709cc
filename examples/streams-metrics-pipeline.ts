// The metrics pipeline with samsa/streams: read JSON metrics keyed by host,
// keep the CPU readings, and compute each host's average per minute in
// tumbling one-minute windows (10 s grace for late readings). Every update
// of a window's average goes to the output topic, keyed by host; the windows
// live in a window store (changelog `<application.id>-cpu-per-minute-changelog`)
// that can be queried while the application runs (kept for an hour of
// stream time; the default retention is window size + grace).
//
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 npx tsx examples/streams-metrics-pipeline.ts [input-topic] [output-topic]
//
// Input records look like {"host":"web-1","metric":"cpu","value":93.5,"ts":1700000000000};
// the window is chosen by the record's timestamp (write them with timestamp = ts).
// Output records: {"host":"web-1","minute":"2026-12-05T14:01:00.000Z","avg":42.5,"samples":4}.
//
// With DEMO=1 it creates the topics, writes readings of two hosts over three
// minutes plus one reading too late for its window, prints the averages from
// the window store and how many late readings were dropped, and stops;
// otherwise it runs until Ctrl-C.
import { Admin, Producer, serializers } from '../src/index.js'
import { KafkaStreams, QueryableStoreTypes, Serdes, StreamsBuilder, TimeWindows } from '../src/streams/index.js'

const bootstrap = process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092'
const input = process.argv[2] ?? 'metrics'
const output = process.argv[3] ?? 'cpu-per-minute'
const demo = process.env.DEMO === '1'
const MINUTE = 60_000

interface Metric {
  host: string
  metric: string
  value: number
  ts: number
}

interface Sum {
  sum: number
  samples: number
}

const builder = new StreamsBuilder()
builder.stream(input, { keySerde: Serdes.string, valueSerde: Serdes.json<Metric | null>() })
  .filter((_key, m) => m !== null && m.metric === 'cpu' && typeof m.value === 'number')
  .selectKey((_key, m) => m!.host)
  .groupByKey({ keySerde: Serdes.string, valueSerde: Serdes.json<Metric | null>() })
  .windowedBy(TimeWindows.ofSizeAndGrace(MINUTE, 10_000))
  .aggregate<Sum>(() => ({ sum: 0, samples: 0 }), (_host, m, agg) => ({ sum: agg.sum + m!.value, samples: agg.samples + 1 }), { storeName: 'cpu-per-minute', valueSerde: Serdes.json<Sum>(), retentionMs: 60 * MINUTE })
  .toStream()
  .map((w, agg) => [w.key, { host: w.key, minute: new Date(w.window.start).toISOString(), avg: agg.sum / agg.samples, samples: agg.samples }])
  .to(output, { keySerde: Serdes.string, valueSerde: Serdes.json() })

await ensureTopics()
const base = Math.floor(Date.now() / MINUTE) * MINUTE - 5 * MINUTE
if (demo) await writeReadings()

const streams = new KafkaStreams(builder.build(), {
  'bootstrap.servers': bootstrap,
  'application.id': `streams-metrics-${input}`,
  'commit.interval.ms': 1000,
})
streams.onError((e) => console.error(`metrics pipeline stopped: ${e.message}`))
await streams.start()
console.log(`averaging the cpu readings of ${input} per host and minute into ${output}`)

if (demo) {
  const store = streams.store('cpu-per-minute', QueryableStoreTypes.windowStore<string, Sum>())
  const dropped = () => streams.metrics().list().filter((m) => m.metricName.name === 'dropped-records-total').reduce((n, m) => n + m.value, 0)
  const ready = () => store.fetch('web-1', base + 2 * MINUTE) !== undefined && store.fetch('web-2', base + MINUTE)?.samples === 2 && dropped() === 1
  while (!ready()) await new Promise((r) => setTimeout(r, 200))
  const windows = [...store.fetchAll(base, base + 3 * MINUTE)].sort(([a], [b]) => a.window.start - b.window.start || a.key.localeCompare(b.key))
  for (const [w, agg] of windows) console.log(`${w.key} ${new Date(w.window.start).toISOString()} avg=${agg.sum / agg.samples} samples=${agg.samples}`)
  console.log(`late readings dropped: ${dropped()}`)
  await streams.close()
  console.log('metrics pipeline: done')
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

/** Readings in time order, then one for the first minute after the stream has moved two minutes on. */
async function writeReadings(): Promise<void> {
  const readings: [host: string, metric: string, value: number, at: number][] = [
    ['web-1', 'cpu', 10, 5_000], ['web-2', 'cpu', 50, 10_000], ['web-1', 'mem', 99, 20_000], ['web-1', 'cpu', 20, 30_000],
    ['web-1', 'cpu', 30, MINUTE + 5_000], ['web-2', 'cpu', 70, MINUTE + 15_000], ['web-2', 'cpu', 90, MINUTE + 45_000],
    ['web-1', 'cpu', 40, 2 * MINUTE + 5_000],
    ['web-1', 'cpu', 1000, 50_000], // stream time is 2:05, the first minute closed at 1:10: dropped
  ]
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'key.serializer': serializers.string, 'value.serializer': serializers.json })
  for (const [host, metric, value, at] of readings) {
    await producer.send({ topic: input, key: host, value: { host, metric, value, ts: base + at }, timestamp: base + at })
  }
  await producer.close()
  console.log(`wrote ${readings.length} readings to ${input}`)
}
