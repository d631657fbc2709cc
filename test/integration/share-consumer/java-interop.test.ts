// A mixed share group: Java's KafkaShareConsumer (kafka-clients from
// .kafka/libs/<version>, which `npm run kafka` fetches) and two samsa share
// consumers read 20,000 records together; every record is delivered to
// exactly one of them, and all are. Skipped without java, without the jars,
// or before Kafka 4.1 (share groups).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ShareConsumer, deserializers } from '../../../src/index.js'
import { bootstrapServers, kafkaVersion, kafkaVersionAtLeast, uniqueName } from '../../helpers/kafka.js'
import { shareFixture } from '../../helpers/share-groups.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const LIBS = path.resolve(HERE, '../../../.kafka/libs', kafkaVersion())
const TOTAL = 20000

const javaOk = spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0
const jarsOk = existsSync(path.join(LIBS, `kafka-clients-${kafkaVersion()}.jar`))
const skip = !kafkaVersionAtLeast('4.1.0') ? 'share groups need Kafka 4.1+' : !javaOk ? 'java is not installed' : !jarsOk ? `no kafka-clients jar in ${LIBS} (npm run kafka -- fetch)` : false

const { producer, group } = shareFixture()

test('Java\'s KafkaShareConsumer and samsa share consumers in one share group: every record exactly once', { skip, timeout: 300000 }, async () => {
  const topic = uniqueName('share-interop')
  await producer.createTopic(topic, 2)
  const g = await group('share-interop-g')

  const jars = readdirSync(LIBS).filter((f) => f.endsWith('.jar')).map((f) => path.join(LIBS, f))
  const java = spawn('java', ['-cp', jars.join(path.delimiter), path.join(HERE, 'java', 'ShareInterop.java'), bootstrapServers(), g, topic, '4000'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let javaOut = ''
  let javaErr = ''
  java.stdout.on('data', (d) => (javaOut += d))
  java.stderr.on('data', (d) => (javaErr += d))
  const javaDone = new Promise<number | null>((resolve) => java.on('exit', resolve))

  const samsa: ShareConsumer<Buffer, string>[] = []
  const got: string[][] = [[], []]
  try {
    // The first wave is for the Java member alone, until it has records: on a loaded machine a cold
    // JVM is slower than the samsa members and could otherwise find nothing left to acquire. The
    // samsa members join after that (they fetch ahead in the background once subscribed).
    await producer.fill(topic, 2, TOTAL / 4, 'i0', 500)
    const firstEnd = Date.now() + 120000
    while (!javaErr.includes('got records') && Date.now() < firstEnd) await new Promise((res) => setTimeout(res, 100))
    for (let i = 0; i < 2; i++) samsa.push(new ShareConsumer({ 'bootstrap.servers': bootstrapServers(), 'group.id': g, 'value.deserializer': deserializers.string, 'max.poll.records': 200 }))
    for (const c of samsa) c.subscribe([topic])
    // ... and have their share of the partitions before the other waves go out (else the Java member,
    // warm by now, can take them all first).
    const joinEnd = Date.now() + 60000
    while (samsa.some((c) => c.assignment().length === 0) && Date.now() < joinEnd) {
      await Promise.all(samsa.map(async (c, i) => {
        for (const r of await c.poll(200)) got[i]!.push(r.value!)
      }))
    }
    let javaExited = false
    void javaDone.then(() => (javaExited = true))
    // In waves, with the members polling in between.
    const producing = (async () => {
      for (let w = 1; w < 4; w++) await producer.fill(topic, 2, TOTAL / 4, `i${w}`, 500)
    })()
    let produced = false
    void producing.then(() => (produced = true))
    let last = Date.now()
    const end = Date.now() + 240000
    while (Date.now() < end) {
      const n = await Promise.all(samsa.map(async (c, i) => {
        const rs = await c.poll(200)
        for (const r of rs) got[i]!.push(r.value!)
        if (rs.count > 0) await new Promise((res) => setTimeout(res, 5))
        return rs.count
      }))
      if (n[0]! + n[1]! > 0 || !produced) last = Date.now()
      if (javaExited && Date.now() - last > 3000) break
      if (got[0]!.length + got[1]!.length >= TOTAL && Date.now() - last > 3000) break
    }
    await producing
    for (const c of samsa) await c.commitSync()
  } finally {
    await Promise.all(samsa.map((c) => c.close()))
  }
  const code = await javaDone
  assert.equal(code, 0, `the Java share consumer failed:\n${javaErr.slice(-3000)}`)
  const fromJava = javaOut.split('\n').filter((l) => l !== '')
  const counts = new Map<string, number>()
  for (const v of [...fromJava, ...got[0]!, ...got[1]!]) counts.set(v, (counts.get(v) ?? 0) + 1)
  const twice = [...counts].filter(([, n]) => n > 1)
  assert.equal(twice.length, 0, `delivered more than once: ${twice.slice(0, 5).map(([v, n]) => `${v}×${n}`).join(', ')}`)
  assert.equal(counts.size, TOTAL, `java ${fromJava.length}, samsa ${got[0]!.length} + ${got[1]!.length}`)
  assert.ok(fromJava.length > 0, 'the Java member got records')
  assert.ok(got[0]!.length + got[1]!.length > 0, 'the samsa members got records')
})
