/**
 * `npm run bench:avro -- --bootstrap HOST:PORT --registry URL [--count N] [--runs R]`
 *
 * The Schema Registry scenario of issue 17: 1 KiB Avro records (Confluent's
 * wire format: 5-byte frame + 1019 bytes of Avro) produced through a registry
 * serializer and consumed through its deserializer, per client:
 *
 *   samsa-bytes   samsa with the same framed bytes pre-encoded (no serde: the baseline)
 *   samsa-avro    samsa with samsa/schema-registry's AvroSerializer / AvroDeserializer
 *   kafkajs-avro  KafkaJS + @kafkajs/confluent-schema-registry (registry.encode / decode)
 *   confluent-avro @confluentinc/kafka-javascript (its KafkaJS API) + @confluentinc/schemaregistry
 *
 * Peers come from `npm run bench:setup` (.bench/peers). Each run of a client
 * is a fresh process (`--child`): it produces N records to a fresh
 * 6-partition topic (acks=1, everything awaited), then a consumer reads them
 * back from the start, deserializing each, until it has N. Reported: msgs/s
 * and process CPU µs per record of each phase, medians over the runs.
 * A broker and a registry must be running (`npm run kafka -- start`,
 * `npm run registry -- start`).
 */
import { spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { Admin, Consumer, Producer } from '../src/index.js'
import { AvroDeserializer, AvroSerializer, SchemaRegistryClient, frame } from '../src/schema-registry/index.js'
import { SCHEMA, avroType, avroValues as values } from './lib/avro.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(HERE, '..')
const PEERS = path.join(ROOT, '.bench', 'peers')
const CLIENTS = ['samsa-bytes', 'samsa-avro', 'kafkajs-avro', 'confluent-avro'] as const
type Client = typeof CLIENTS[number]

interface Phase { records: number, ms: number, cpuUs: number }
interface ChildReport { produce: Phase, consume: Phase }

function measure (): { done: (records: number) => Phase } {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  return {
    done: (records) => {
      const d = process.cpuUsage(cpu0)
      return { records, ms: performance.now() - t0, cpuUs: d.user + d.system }
    },
  }
}

const peer = (name: string): any => createRequire(path.join(PEERS, 'package.json'))(name)

async function child (client: Client, bootstrap: string, registry: string, topic: string, n: number): Promise<ChildReport> {
  const pool = values()
  const subject = `${topic}-value`
  if (client === 'samsa-bytes' || client === 'samsa-avro') {
    const sr = new SchemaRegistryClient({ 'schema.registry.url': registry })
    let bytesPool: Buffer[] = []
    if (client === 'samsa-bytes') {
      const id = await sr.register(subject, { schema: JSON.stringify(SCHEMA) })
      const type = avroType()
      bytesPool = pool.map((v) => frame(id, type.toBuffer(v)))
    }
    const producer = new Producer({
      'bootstrap.servers': bootstrap, acks: 1, 'linger.ms': 5, 'batch.size': 65536, 'enable.idempotence': false,
      ...(client === 'samsa-avro' ? { 'value.serializer': new AvroSerializer(sr, SCHEMA) } : {}),
    })
    await producer.send({ topic, value: client === 'samsa-avro' ? pool[0] : bytesPool[0] }) // connect, register
    const m = measure()
    const sends: Promise<unknown>[] = []
    for (let i = 1; i < n; i++) sends.push(producer.send({ topic, value: client === 'samsa-avro' ? pool[i % pool.length] : bytesPool[i % pool.length] }))
    await Promise.all(sends)
    const produce = m.done(n - 1)
    await producer.close()
    const mc = measure()
    const consumer = new Consumer({
      'bootstrap.servers': bootstrap, 'group.id': `bench-${crypto.randomUUID()}`, 'auto.offset.reset': 'earliest',
      ...(client === 'samsa-avro' ? { 'value.deserializer': new AvroDeserializer(sr) } : {}),
    })
    consumer.subscribe([topic])
    let got = 0
    while (got < n) for (const _r of await consumer.poll(500)) got++
    const consume = mc.done(got)
    await consumer.close()
    return { produce, consume }
  }
  if (client === 'kafkajs-avro') {
    const { Kafka, logLevel } = peer('kafkajs')
    const { SchemaRegistry, SchemaType } = peer('@kafkajs/confluent-schema-registry')
    const sr = new SchemaRegistry({ host: registry })
    const { id } = await sr.register({ type: SchemaType.AVRO, schema: JSON.stringify(SCHEMA) }, { subject })
    const kafka = new Kafka({ clientId: 'bench', brokers: [bootstrap], logLevel: logLevel.NOTHING })
    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false, maxInFlightRequests: 5 })
    await producer.connect()
    await producer.send({ topic, acks: 1, messages: [{ value: await sr.encode(id, pool[0]) }] })
    const m = measure()
    const inFlight: Promise<unknown>[] = []
    const batch = 384 // 64 KiB × 6 partitions of 1 KiB records per send(), as the main bench feeds KafkaJS
    for (let i = 1; i < n; i += batch) {
      const messages = []
      for (let j = i; j < Math.min(n, i + batch); j++) messages.push({ value: await sr.encode(id, pool[j % pool.length]) })
      inFlight.push(producer.send({ topic, acks: 1, messages }))
      if (inFlight.length >= 5) await inFlight.shift()
    }
    await Promise.all(inFlight)
    const produce = m.done(n - 1)
    await producer.disconnect()
    const mc = measure()
    const consumer = kafka.consumer({ groupId: `bench-${crypto.randomUUID()}` })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    let got = 0
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch: b }: { batch: { messages: { value: Buffer }[] } }) => {
          for (const msg of b.messages) { await sr.decode(msg.value); got++ }
          if (got >= n) resolve()
        },
      })
    })
    const consume = mc.done(got)
    await consumer.disconnect()
    return { produce, consume }
  }
  const { KafkaJS } = peer('@confluentinc/kafka-javascript')
  const { SchemaRegistryClient: CClient, AvroSerializer: CSer, AvroDeserializer: CDes, SerdeType } = peer('@confluentinc/schemaregistry')
  const cclient = new CClient({ baseURLs: [registry] })
  await cclient.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(SCHEMA) })
  const ser = new CSer(cclient, SerdeType.VALUE, { useLatestVersion: true })
  const des = new CDes(cclient, SerdeType.VALUE, {})
  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: [bootstrap], logLevel: KafkaJS.logLevel.NOTHING } })
  const producer = kafka.producer({ kafkaJS: { acks: 1, idempotent: false }, 'linger.ms': 5, 'batch.size': 65536 })
  await producer.connect()
  await producer.send({ topic, messages: [{ value: await ser.serialize(topic, pool[0]) }] })
  const m = measure()
  const sends: Promise<unknown>[] = []
  for (let i = 1; i < n; i++) sends.push(producer.send({ topic, messages: [{ value: await ser.serialize(topic, pool[i % pool.length]) }] }))
  await Promise.all(sends)
  const produce = m.done(n - 1)
  await producer.disconnect()
  const mc = measure()
  const consumer = kafka.consumer({ kafkaJS: { groupId: `bench-${crypto.randomUUID()}`, fromBeginning: true } })
  await consumer.connect()
  await consumer.subscribe({ topic })
  let got = 0
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }: { message: { value: Buffer } }) => {
        await des.deserialize(topic, message.value)
        if (++got >= n) resolve()
      },
    })
  })
  const consume = mc.done(got)
  await consumer.disconnect()
  return { produce, consume }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function main (): Promise<void> {
  const argv = process.argv.slice(2)
  const arg = (name: string, fallback?: string): string => {
    const i = argv.indexOf(name)
    const v = i >= 0 ? argv[i + 1] : fallback
    if (v === undefined) throw new Error(`${name} is required: npm run bench:avro -- --bootstrap HOST:PORT --registry URL [--count N] [--runs R] [--clients a,b]`)
    return v
  }
  if (argv[0] === '--child') {
    const [, client, bootstrap, registry, topic, n] = argv
    const report = await child(client as Client, bootstrap!, registry!, topic!, Number(n))
    process.stdout.write(JSON.stringify(report) + '\n')
    return
  }
  const bootstrap = arg('--bootstrap')
  const registry = arg('--registry')
  const n = Number(arg('--count', '100000'))
  const runs = Number(arg('--runs', '3'))
  const clients = arg('--clients', CLIENTS.join(',')).split(',') as Client[]
  const admin = new Admin({ 'bootstrap.servers': bootstrap })
  const results = new Map<Client, ChildReport[]>()
  const failures: string[] = []
  try {
    for (let r = 1; r <= runs; r++) {
      for (const client of clients) {
        if (client !== 'samsa-bytes' && client !== 'samsa-avro' && !fs.existsSync(path.join(PEERS, 'node_modules'))) { failures.push(`${client}: no .bench/peers`); continue }
        const topic = `bench-avro-${client}-${crypto.randomBytes(3).toString('hex')}`
        await admin.createTopics([{ topic, numPartitions: 6, replicationFactor: 1 }])
        const res = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', client, bootstrap, registry, topic, String(n)], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 })
        await admin.deleteTopics([topic]).catch(() => undefined)
        const line = res.stdout.trim().split('\n').pop() ?? ''
        if (res.status !== 0 || !line.startsWith('{')) { failures.push(`${client} run ${r}: exit ${res.status ?? res.signal}: ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`); continue }
        const rep = JSON.parse(line) as ChildReport
        results.set(client, [...(results.get(client) ?? []), rep])
        process.stderr.write(`[bench:avro] ${client} run ${r}: produce ${Math.round(rep.produce.records / rep.produce.ms * 1000)} msgs/s, consume ${Math.round(rep.consume.records / rep.consume.ms * 1000)} msgs/s\n`)
      }
    }
  } finally {
    await admin.close()
  }
  const rate = (p: Phase): number => p.records / p.ms * 1000
  process.stdout.write(`\n1 KiB Avro records, ${n.toLocaleString('en-US')} per run, median of ${runs} runs\n\n`)
  process.stdout.write('| client | produce msgs/s | produce CPU µs/msg | consume msgs/s | consume CPU µs/msg | runs |\n|---|---:|---:|---:|---:|---:|\n')
  for (const c of clients) {
    const rs = results.get(c) ?? []
    if (rs.length === 0) { process.stdout.write(`| ${c} | n/a | | | | 0 |\n`); continue }
    const f = (xs: number[], d = 0): string => median(xs).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
    process.stdout.write(`| ${c} | ${f(rs.map((x) => rate(x.produce)))} | ${f(rs.map((x) => x.produce.cpuUs / x.produce.records), 2)} | ${f(rs.map((x) => rate(x.consume)))} | ${f(rs.map((x) => x.consume.cpuUs / x.consume.records), 2)} | ${rs.length} |\n`)
  }
  for (const f of failures) process.stdout.write(`- failed: ${f}\n`)
}

main().catch((err) => {
  process.stderr.write(`[bench:avro] ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
