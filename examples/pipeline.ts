// A small stream-processing pipeline, the classic first Kafka Streams
// example done with a plain consumer and producer: read JSON metrics from one
// topic, keep the CPU readings above a threshold, reshape them into alerts
// keyed by host, and write them to another topic.
//
//   KAFKA_BOOTSTRAP=127.0.0.1:9092 npx tsx examples/pipeline.ts [input-topic] [output-topic]
//
// Input records look like {"host":"web-1","metric":"cpu","value":93.5,"ts":1700000000000}.
// Output records are keyed by host: {"host":"web-1","cpuPercent":93.5,"at":"2023-11-14T22:13:20.000Z"}.
//
// Delivery is at-least-once: the input offsets are committed only after the
// alerts made from them are acknowledged, so a crash in between re-processes
// (and may re-send) a batch but never loses one. Records that are not valid
// JSON are skipped and counted, instead of stopping the pipeline.
//
// With DEMO=1 it first writes some sample metrics to the input topic and
// stops once the input has been idle for a few polls; otherwise it runs until
// Ctrl-C.
import { Admin, Consumer, Producer, WakeupError, serializers } from '../src/index.js'

const bootstrap = process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092'
const input = process.argv[2] ?? 'metrics'
const output = process.argv[3] ?? 'cpu-alerts'
const demo = process.env.DEMO === '1'
const THRESHOLD = 80

interface Metric {
  host: string
  metric: string
  value: number
  ts: number
}

interface Alert {
  host: string
  cpuPercent: number
  at: string
}

/** The processing step: a metric in, an alert or nothing out. */
function toAlert(m: Metric): Alert | undefined {
  if (m.metric !== 'cpu' || !(m.value > THRESHOLD)) return undefined
  return { host: m.host, cpuPercent: m.value, at: new Date(m.ts).toISOString() }
}

function parseMetric(text: string | null): Metric | undefined {
  try {
    const m = JSON.parse(text ?? '') as Metric
    return typeof m.host === 'string' && typeof m.metric === 'string' && typeof m.value === 'number' ? m : undefined
  } catch {
    return undefined
  }
}

await ensureTopics()
if (demo) await writeSampleMetrics()

const consumer = new Consumer({
  'bootstrap.servers': bootstrap,
  'group.id': `pipeline-${input}-to-${output}`,
  'enable.auto.commit': false,
  'auto.offset.reset': 'earliest',
  'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
})
const producer = new Producer({
  'bootstrap.servers': bootstrap,
  'key.serializer': serializers.string,
  'value.serializer': serializers.json,
})
process.once('SIGINT', () => consumer.wakeup())

let seen = 0
let alerts = 0
let skipped = 0
let idle = 0
consumer.subscribe([input])
try {
  while (!demo || idle < 3) {
    const records = await consumer.poll(1000)
    idle = records.isEmpty ? idle + 1 : 0
    if (records.isEmpty) continue
    const sends: Promise<unknown>[] = []
    for (const record of records) {
      seen++
      const metric = parseMetric(record.value)
      if (!metric) {
        skipped++
        console.log(`skipped ${record.topic}-${record.partition}@${record.offset}: not a metric`)
        continue
      }
      const alert = toAlert(metric)
      if (!alert) continue
      alerts++
      console.log(`alert: ${alert.host} cpu ${alert.cpuPercent}% at ${alert.at}`)
      sends.push(producer.send({ topic: output, key: alert.host, value: alert }))
    }
    // At-least-once: the alerts are stored before the input is marked done.
    await Promise.all(sends)
    await consumer.commitSync()
  }
} catch (e) {
  if (!(e instanceof WakeupError)) throw e
} finally {
  await consumer.close()
  await producer.close()
}
console.log(`pipeline: ${seen} metrics read, ${alerts} alerts written to ${output}, ${skipped} skipped`)

async function ensureTopics(): Promise<void> {
  const admin = new Admin({ 'bootstrap.servers': bootstrap })
  try {
    const existing = await admin.listTopics()
    const missing = [input, output].filter((t) => !existing.includes(t))
    if (missing.length > 0) await admin.createTopics(missing.map((topic) => ({ topic, numPartitions: 3 })))
  } finally {
    await admin.close()
  }
}

async function writeSampleMetrics(): Promise<void> {
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'key.serializer': serializers.string, 'value.serializer': serializers.string })
  const t0 = Date.UTC(2024, 0, 1)
  const samples: [string, string, number][] = [
    ['web-1', 'cpu', 42.5],
    ['web-1', 'cpu', 91.25],
    ['web-2', 'memory', 97],
    ['web-2', 'cpu', 85],
    ['db-1', 'cpu', 12],
    ['db-1', 'disk', 99.9],
    ['web-1', 'cpu', 80],
    ['db-1', 'cpu', 99.5],
  ]
  await Promise.all([
    ...samples.map(([host, metric, value], i) => producer.send({ topic: input, key: host, value: JSON.stringify({ host, metric, value, ts: t0 + i * 1000 }) })),
    producer.send({ topic: input, key: 'broken', value: '{not json' }),
  ])
  await producer.close()
  console.log(`wrote ${samples.length + 1} sample metrics to ${input}`)
}
