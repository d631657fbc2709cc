// Word count against Kafka Streams itself: the same input topic processed by
// samsa's DSL and by Java's Kafka Streams (java/WordCount.java, the
// WordCountDemo topology, jars from Maven Central through
// scripts/kafka/streams-pom.xml) gives the same final count per word, and
// both equal the count the test makes. Skipped without java or Maven, or
// before Kafka 4.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { KafkaStreams } from '../../../src/streams/index.js'
import { ensureKafkaStreams } from '../../../scripts/kafka/cluster.js'
import { bootstrapServers, kafkaVersion, kafkaVersionAtLeast, uniqueName } from '../../helpers/kafka.js'
import { cleanUp, createTopics, latest, produceStrings, readAll, wordCount } from './helpers.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const javaOk = spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0
const mvnOk = spawnSync('mvn', ['-v'], { stdio: 'ignore' }).status === 0
const skip = !kafkaVersionAtLeast('4.0.0') ? 'Kafka Streams jars are fetched for Kafka 4.x' : !javaOk ? 'java is not installed' : !mvnOk ? 'Maven is not installed' : false

const WORDS = ['the', 'cat', 'sat', 'on', 'mat', 'kafka', 'streams', 'count', 'word', 'java', 'node', 'samsa', 'log', 'topic', 'table']

/** Deterministic lines of 1 to 8 words, with case and punctuation that the topology folds away. */
function lines(n: number): string[] {
  let seed = 14
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648)
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const words: string[] = []
    for (let w = 1 + (next() % 8); w > 0; w--) {
      const word = WORDS[next() % WORDS.length]!
      words.push(next() % 5 === 0 ? word.toUpperCase() : word)
    }
    out.push(words.join(next() % 3 === 0 ? ', ' : ' ') + (next() % 4 === 0 ? '.' : ''))
  }
  return out
}

test('word count: samsa/streams and Java Kafka Streams give the same final count per word', { skip, timeout: 600_000 }, async () => {
  const jarsDir = await ensureKafkaStreams(kafkaVersion())
  const jars = readdirSync(jarsDir).filter((f) => f.endsWith('.jar')).map((f) => path.join(jarsDir, f))
  const [input, samsaOut, javaOut] = [uniqueName('wc-lines'), uniqueName('wc-samsa'), uniqueName('wc-java')]
  const [samsaApp, javaApp] = [uniqueName('wc-samsa-app'), uniqueName('wc-java-app')]
  await createTopics([input, samsaOut, javaOut], 3)
  const text = lines(3000)
  await produceStrings(input, text.map((l, i) => [String(i % 50), l]))
  const expected = new Map<string, number>()
  for (const l of text) for (const w of l.toLowerCase().split(/\W+/).filter((x) => x !== '')) expected.set(w, (expected.get(w) ?? 0) + 1)
  const total = [...expected.values()].reduce((a, b) => a + b, 0)
  const complete = (rs: Parameters<typeof latest<string, number>>[0]) => [...latest(rs).values()].reduce<number>((a, b) => a + (b ?? 0), 0) === total

  const stateDir = mkdtempSync(path.join(tmpdir(), 'samsa-wc-'))
  const java = spawn('java', ['-cp', jars.join(path.delimiter), path.join(HERE, 'java', 'WordCount.java'), bootstrapServers(), javaApp, input, javaOut, stateDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let javaErr = ''
  java.stderr.on('data', (d: Buffer) => (javaErr += d))
  java.stdout.resume()
  const javaExited = new Promise<number | null>((resolve) => java.on('close', resolve))

  const streams = new KafkaStreams(wordCount(input, samsaOut).build(), { 'bootstrap.servers': bootstrapServers(), 'application.id': samsaApp, 'commit.interval.ms': 100 })
  try {
    await streams.start()
    const fromSamsa = latest(await readAll<string, number>(samsaOut, { key: 'string', value: 'long', done: complete, timeoutMs: 240_000 }))
    const fromJava = latest(await readAll<string, number>(javaOut, { key: 'string', value: 'long', done: complete, timeoutMs: 300_000 }))
    const sorted = (m: Map<string, number | null>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)))
    assert.deepEqual(sorted(fromJava), sorted(expected), `Kafka Streams' counts (stderr: ${javaErr.slice(-2000)})`)
    assert.deepEqual(sorted(fromSamsa), sorted(fromJava), 'samsa/streams counts as Kafka Streams does')
  } finally {
    await streams.close()
    java.kill('SIGTERM')
    await javaExited
    rmSync(stateDir, { recursive: true, force: true })
    await cleanUp([input, samsaOut, javaOut], samsaApp)
    await cleanUp([], javaApp)
  }
})
