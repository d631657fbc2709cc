// Stream processing throughput: records/s through a stateless map (mapValues
// to upper case) and through a word count (flatMapValues, groupBy, count),
// samsa/streams against the same topology in Java's Kafka Streams
// (test/integration/streams/java/WordCount.java, jars from Maven Central).
//
//   npm run bench:streams -- --bootstrap HOST:PORT [--records 200000] [--runs 1]
//
// The input (lines of 4 to 12 words, 3 partitions) is written once before
// the runs; each run is a fresh application.id reading it from the
// beginning. A run's time goes from the application's RUNNING state to the
// moment its group has committed every input record and its repartition
// topic (word count) to the end (both commit every
// 100 ms, at_least_once, no record cache), so JVM start-up and
// compilation of the Java source are not counted, and neither is samsa's.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Admin, Producer, serializers } from '../src/index.js'
import { KafkaStreams, Serdes, StreamsBuilder } from '../src/streams/index.js'
import { ensureKafkaStreams } from '../scripts/kafka/cluster.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1]! : fallback
}
const bootstrap = arg('bootstrap', process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092')
const RECORDS = Number(arg('records', '200000'))
const RUNS = Number(arg('runs', '1'))
const version = arg('kafka-version', process.env.KAFKA_VERSION ?? '4.4.0')
const WORDS = ['the', 'cat', 'sat', 'on', 'mat', 'kafka', 'streams', 'count', 'word', 'java', 'node', 'samsa', 'log', 'topic', 'table', 'bench']
type Topology = 'map' | 'count'
const tag = `${Date.now().toString(36)}`

async function writeInput(topic: string): Promise<void> {
  const admin = new Admin({ 'bootstrap.servers': bootstrap })
  await admin.createTopics([{ topic, numPartitions: 3 }])
  await admin.close()
  const producer = new Producer({ 'bootstrap.servers': bootstrap, 'key.serializer': serializers.string, 'value.serializer': serializers.string, 'linger.ms': 20 })
  let seed = 17
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648)
  for (let i = 0; i < RECORDS; ) {
    const sends: Promise<unknown>[] = []
    for (const end = Math.min(RECORDS, i + 5000); i < end; i++) {
      const words: string[] = []
      for (let w = 4 + (next() % 9); w > 0; w--) words.push(WORDS[next() % WORDS.length]!)
      sends.push(producer.send({ topic, key: String(i % 1000), value: words.join(' ') }))
    }
    await Promise.all(sends)
  }
  await producer.close()
}

/** Every input record committed, and every internal (repartition) topic the group reads committed to its end. */
async function committedAll(admin: Admin, group: string, input: string): Promise<boolean> {
  const offsets = await admin.listConsumerGroupOffsets(group).catch(() => [])
  const inputDone = offsets.filter((o) => o.topic === input).reduce((n, o) => n + (o.offset > 0n ? Number(o.offset) : 0), 0) >= RECORDS
  if (!inputDone) return false
  const internal = offsets.filter((o) => o.topic !== input)
  if (internal.length === 0) return true
  const ends = await admin.listOffsets(internal.map((o) => ({ topic: o.topic, partition: o.partition, timestamp: 'latest' as const })))
  return ends.every((e) => internal.find((o) => o.topic === e.topic && o.partition === e.partition)!.offset >= e.offset)
}

async function untilCommitted(admin: Admin, group: string, input: string, limitMs = 600_000): Promise<void> {
  const end = Date.now() + limitMs
  while (!(await committedAll(admin, group, input))) {
    if (Date.now() > end) throw new Error(`${group}: not every record committed within ${limitMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function runSamsa(input: string, topology: Topology, run: number): Promise<number> {
  const app = `bench-streams-samsa-${topology}-${tag}-${run}`
  const builder = new StreamsBuilder()
  const lines = builder.stream(input, { keySerde: Serdes.string, valueSerde: Serdes.string })
  if (topology === 'map') lines.mapValues((v) => v.toUpperCase()).to(`${app}-out`, { keySerde: Serdes.string, valueSerde: Serdes.string })
  else {
    lines.flatMapValues((v) => v.toLowerCase().split(/\W+/).filter((w) => w !== ''))
      .groupBy((_k, w) => w, { keySerde: Serdes.string, valueSerde: Serdes.string })
      .count({ storeName: 'counts' })
      .toStream()
      .to(`${app}-out`, { valueSerde: Serdes.long })
  }
  const streams = new KafkaStreams(builder.build(), { 'bootstrap.servers': bootstrap, 'application.id': app, 'commit.interval.ms': 100 })
  const admin = new Admin({ 'bootstrap.servers': bootstrap })
  let runningAt = 0
  streams.onStateChange((next) => {
    if (next === 'RUNNING' && runningAt === 0) runningAt = Date.now()
  })
  try {
    await streams.start()
    await untilCommitted(admin, app, input)
    return Date.now() - runningAt
  } finally {
    await streams.close()
    await cleanUp(admin, app)
    await admin.close()
  }
}

async function runJava(input: string, topology: Topology, run: number, jars: string[]): Promise<number> {
  const app = `bench-streams-java-${topology}-${tag}-${run}`
  const stateDir = mkdtempSync(path.join(tmpdir(), 'samsa-bench-streams-'))
  const admin = new Admin({ 'bootstrap.servers': bootstrap })
  await admin.createTopics([{ topic: `${app}-out`, numPartitions: 3 }])
  const java = spawn('java', ['-cp', jars.join(path.delimiter), path.join(HERE, '../test/integration/streams/java/WordCount.java'), bootstrap, app, input, `${app}-out`, stateDir, topology], { stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  java.stderr.on('data', (d: Buffer) => (err += d))
  const exited = new Promise<number | null>((resolve) => java.on('close', resolve))
  let runningAt = 0
  java.stdout.on('data', (d: Buffer) => {
    if (runningAt === 0 && String(d).includes('running')) runningAt = Date.now()
  })
  try {
    await untilCommitted(admin, app, input)
    if (runningAt === 0) throw new Error(`Kafka Streams never reported RUNNING: ${err.slice(-2000)}`)
    return Date.now() - runningAt
  } finally {
    java.kill('SIGTERM')
    await exited
    rmSync(stateDir, { recursive: true, force: true })
    await cleanUp(admin, app)
    await admin.close()
  }
}

async function cleanUp(admin: Admin, app: string): Promise<void> {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${app}-`))
  await admin.deleteTopics(topics).catch(() => {})
}

const input = `bench-streams-lines-${tag}`
console.error(`writing ${RECORDS} lines to ${input} on ${bootstrap} ...`)
await writeInput(input)
const jarsDir = await ensureKafkaStreams(version)
const jars = readdirSync(jarsDir).filter((f) => f.endsWith('.jar')).map((f) => path.join(jarsDir, f))
const rows: string[] = []
for (const topology of ['map', 'count'] as const) {
  for (const [engine, fn] of [['samsa/streams', runSamsa], ['Kafka Streams (Java)', (i: string, t: Topology, r: number) => runJava(i, t, r, jars)]] as const) {
    const rates: number[] = []
    for (let r = 0; r < RUNS; r++) {
      const ms = await fn(input, topology, r)
      rates.push(RECORDS / (ms / 1000))
      console.error(`${topology} ${engine} run ${r + 1}: ${ms} ms, ${Math.round(RECORDS / (ms / 1000))} records/s`)
    }
    rates.sort((a, b) => a - b)
    rows.push(`| ${topology === 'map' ? 'stateless mapValues' : 'word count (groupBy + count)'} | ${engine} | ${Math.round(rates[Math.floor(rates.length / 2)]!).toLocaleString('en-US')} |`)
  }
}
const admin = new Admin({ 'bootstrap.servers': bootstrap })
await admin.deleteTopics([input]).catch(() => {})
await admin.close()
console.log(`${RECORDS.toLocaleString('en-US')} input records, 3 partitions, median of ${RUNS} run(s)\n\n| topology | engine | records/s |\n| --- | --- | --- |\n${rows.join('\n')}`)
