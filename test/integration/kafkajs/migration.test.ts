// Migrating a KafkaJS application member by member: a real KafkaJS 2.x
// consumer, a samsa/kafkajs consumer and a native samsa Consumer (with the
// 'kafkajs-roundrobin' assignor) share one classic group under KafkaJS's
// "RoundRobinAssigner" protocol. Runs when the benchmark peers
// (.bench/peers, installed by .ci/run) have KafkaJS.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { TestProducer } from '../../helpers/produce.js'
import { Member, waitFor } from '../../helpers/consume.js'
import { kafka } from './helpers.js'

const kafkajsDir = join(process.cwd(), '.bench/peers/node_modules/kafkajs')
const haveKafkaJS = existsSync(join(kafkajsDir, 'package.json'))

interface KjsMessage { value: Buffer | null }
interface KjsConsumer {
  events: { GROUP_JOIN: string }
  on(event: string, listener: (e: { payload: { memberAssignment: Record<string, number[]>; groupProtocol: string } }) => void): void
  connect(): Promise<void>
  subscribe(o: { topic: string; fromBeginning: boolean }): Promise<void>
  run(o: { eachMessage: (p: { partition: number; message: KjsMessage }) => Promise<void> }): Promise<void>
  disconnect(): Promise<void>
}
interface KjsModule { Kafka: new (config: object) => { consumer(o: object): KjsConsumer }; logLevel: { NOTHING: number } }

const producer = new TestProducer()
after(() => producer.close())

test('a KafkaJS member, a samsa/kafkajs member and a native member share a group; the samsa members take over when KafkaJS leaves',
  { skip: !haveKafkaJS && 'KafkaJS is not installed in .bench/peers (.ci/run installs it)' }, async () => {
    const kjs = createRequire(import.meta.url)(kafkajsDir) as KjsModule
    const topic = uniqueName('migrate')
    await producer.createTopic(topic, 6)
    const groupId = uniqueName('g')
    const timing = { sessionTimeout: 10000, heartbeatInterval: 300, rebalanceTimeout: 20000 }
    const seen: { value: string; by: string }[] = []
    const owned = { kafkajs: [] as number[], facade: [] as number[] }
    const protocols = new Set<string>()

    const old = new kjs.Kafka({ clientId: 'kafkajs-real', brokers: bootstrapServers().split(','), logLevel: kjs.logLevel.NOTHING }).consumer({ groupId, ...timing })
    const facade = kafka().consumer({ groupId, ...timing })
    const native = new Member('native', { 'group.id': groupId, 'partition.assignment.strategy': 'kafkajs-roundrobin', 'session.timeout.ms': 10000, 'heartbeat.interval.ms': 300 })
    let oldRunning = false
    try {
      const onJoin = (name: 'kafkajs' | 'facade', assignment: Record<string, number[]>, protocol: string) => {
        owned[name] = assignment[topic] ?? []
        protocols.add(protocol)
      }
      const record = (name: string) => async ({ message }: { message: KjsMessage }) => void seen.push({ value: message.value!.toString(), by: name })
      old.on(old.events.GROUP_JOIN, (e) => onJoin('kafkajs', e.payload.memberAssignment, e.payload.groupProtocol))
      facade.on(facade.events.GROUP_JOIN, (e) => onJoin('facade', e.payload.memberAssignment, e.payload.groupProtocol))
      await old.connect()
      await old.subscribe({ topic, fromBeginning: true })
      await old.run({ eachMessage: record('kafkajs') })
      await facade.connect()
      await facade.subscribe({ topic, fromBeginning: true })
      await facade.run({ eachMessage: record('facade') })
      oldRunning = true
      native.subscribe([topic]).start()

      const split = () => [...owned.kafkajs.map(String), ...owned.facade.map(String), ...native.assignment().map((p) => p.split('-').pop()!)]
      await waitFor('a stable three-way split of the six partitions', () => owned.kafkajs.length === 2 && owned.facade.length === 2 && native.assignment().length === 2, 120000)
      assert.deepEqual(split().sort(), ['0', '1', '2', '3', '4', '5'], 'every partition has exactly one owner')
      assert.deepEqual([...protocols], ['RoundRobinAssigner'])

      await producer.fill(topic, 6, 600, 'a')
      const all = () => [...seen.map((s) => s.value), ...native.records.map((r) => r.value)]
      await waitFor('the first 600 records', () => all().length >= 600, 60000)
      await new Promise((r) => setTimeout(r, 500))
      assert.equal(all().length, 600, 'no record read twice')
      assert.equal(new Set(all()).size, 600, 'no record lost')
      for (const who of ['kafkajs', 'facade'] as const) assert.equal(seen.filter((s) => s.by === who).length, 200, `${who} read its two partitions`)
      assert.equal(native.records.length, 200, 'native read its two partitions')

      // The KafkaJS member leaves (committing what it read): the samsa members take its partitions.
      await old.disconnect()
      oldRunning = false
      await waitFor('the samsa members to take over all six partitions', () => owned.facade.length === 3 && native.assignment().length === 3, 120000)
      assert.deepEqual([...owned.facade.map(String), ...native.assignment().map((p) => p.split('-').pop()!)].sort(), ['0', '1', '2', '3', '4', '5'])
      await producer.fill(topic, 6, 600, 'b')
      await waitFor('all 1200 records', () => all().length >= 1200, 60000)
      await new Promise((r) => setTimeout(r, 500))
      assert.equal(all().length, 1200, 'nothing read twice after the takeover')
      assert.equal(new Set(all()).size, 1200, 'nothing lost in the takeover')
      const kafkajsAfter = seen.filter((s) => s.by === 'kafkajs' && s.value.startsWith('b-')).length
      assert.equal(kafkajsAfter, 0, 'the departed KafkaJS member read nothing more')
    } finally {
      if (oldRunning) await old.disconnect().catch(() => undefined)
      await facade.disconnect()
      await native.close()
    }
  })
