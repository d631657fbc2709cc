// The KafkaJS facade's consumer and admin instrumentation events: each fires
// with KafkaJS's payload fields. The same scenario runs on the facade and, when
// it is installed (.bench/peers, .ci/run), on real KafkaJS 2.2.4, and the
// payloads are compared field by field.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { ListOffsetsApi } from '../../../src/protocol/messages/list-offsets.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { FaultProxy } from '../../helpers/fault-proxy.js'
import { TestProducer } from '../../helpers/produce.js'
import { kafka, noKafkaJS, realKafkaJS, waitFor } from './helpers.js'
import type { Kafka } from '../../../src/kafkajs/index.js'

/* eslint-disable @typescript-eslint/no-explicit-any -- events of both clients are compared as plain objects */
type Events = Map<string, any[]>

const producer = new TestProducer()
after(() => producer.close())

function real(brokers = bootstrapServers(), extra: object = {}): Kafka {
  const kjs = realKafkaJS()
  return new kjs.Kafka({ clientId: 'kafkajs-test', brokers: brokers.split(','), logLevel: kjs.logLevel.NOTHING, ...extra })
}

function listen(client: { events: Record<string, string>; on(e: string, l: (e: any) => void): () => void }, into: Events): () => void {
  const offs = Object.values(client.events).map((name) => client.on(name as never, (e: any) => {
    const list = into.get(e.type) ?? []
    list.push(e)
    into.set(e.type, list)
  }))
  return () => offs.forEach((off) => off())
}

/** A group member reads the topic's 3 records from the beginning, commits, then disconnects: every event it emitted, by type. */
async function consumeThree(client: Kafka, topic: string): Promise<Events> {
  const events: Events = new Map()
  const consumer = client.consumer({ groupId: uniqueName('g-instr'), heartbeatInterval: 100, sessionTimeout: 10000 })
  const off = listen(consumer as any, events)
  let seen = 0
  try {
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({ eachMessage: async () => void seen++ })
    await waitFor(() => seen === 3 && events.has('consumer.commit_offsets') && events.has('consumer.heartbeat'), 'three records, a commit and a heartbeat event', 30000)
  } finally {
    await consumer.disconnect()
    off()
  }
  return events
}

const CONSUMER_TYPES = [
  'consumer.connect', 'consumer.group_join', 'consumer.fetch_start', 'consumer.fetch', 'consumer.start_batch_process',
  'consumer.end_batch_process', 'consumer.commit_offsets', 'consumer.heartbeat', 'consumer.network.request',
  'consumer.network.request_queue_size', 'consumer.stop', 'consumer.disconnect',
]

// KafkaJS's CONNECT, DISCONNECT and STOP payloads are undefined at run time (its typings say null, which the facade sends).
const keys = (payload: unknown) => (payload === null || payload === undefined ? null : Object.keys(payload as object).sort())

// KafkaJS emits REQUEST_QUEUE_SIZE only when requests wait behind maxInFlightRequests or a throttle; samsa on every write (queueSize: requests in flight).
const queueSizes = (who: string) => who === 'facade'

function checkConsumerEvents(events: Events, topic: string, who: string): void {
  for (const type of CONSUMER_TYPES) if (queueSizes(who) || !type.endsWith('queue_size')) assert.ok(events.has(type), `${who}: ${type} fired`)
  for (const [type, list] of events) {
    for (const e of list) {
      assert.equal(e.type, type)
      assert.ok(e.timestamp > 0 && e.id !== undefined, `${who}: ${type} has an id and a timestamp`)
    }
  }
  const start = events.get('consumer.start_batch_process')![0].payload
  assert.deepEqual(start, { topic, partition: 0, highWatermark: '3', offsetLag: '0', offsetLagLow: '2', batchSize: 3, firstOffset: '0', lastOffset: '2' }, `${who}: START_BATCH_PROCESS`)
  const end = events.get('consumer.end_batch_process')![0].payload
  assert.ok(end.duration >= 0 && end.batchSize === 3)
  const join = events.get('consumer.group_join')![0].payload
  assert.deepEqual(join.memberAssignment, { [topic]: [0] })
  assert.equal(join.groupProtocol, 'RoundRobinAssigner')
  assert.ok(join.memberId.length > 0 && join.duration >= 0)
  const commits = events.get('consumer.commit_offsets')!.map((e) => e.payload)
  // KafkaJS's auto-commits carry the partition as a string ('0', from an object key); its typings and the facade say number.
  const last = commits.at(-1).topics.map((t: any) => ({ ...t, partitions: t.partitions.map((p: any) => ({ ...p, partition: Number(p.partition) })) }))
  assert.deepEqual(last, [{ topic, partitions: [{ partition: 0, offset: '3' }] }], `${who}: the last commit is of offset 3`)
  assert.ok(commits.every((c) => c.memberId === join.memberId && c.groupGenerationId >= 1))
  const beat = events.get('consumer.heartbeat')![0].payload
  assert.equal(beat.memberId, join.memberId)
  const requests = events.get('consumer.network.request')!.map((e) => e.payload)
  const apis = new Set(requests.map((r) => r.apiName))
  for (const api of ['Fetch', 'JoinGroup', 'SyncGroup', 'OffsetCommit', 'GroupCoordinator']) assert.ok(apis.has(api), `${who}: a ${api} REQUEST event (saw ${[...apis].join(', ')})`)
  for (const r of requests) {
    assert.equal(r.clientId, 'kafkajs-test')
    assert.match(r.broker, /^[^:]+:\d+$/)
    assert.ok(Number.isInteger(r.correlationId) && r.size > 0 && r.duration >= 0 && r.sentAt >= r.createdAt, `${who}: ${r.apiName} REQUEST fields`)
  }
  assert.ok((events.get('consumer.network.request_queue_size') ?? []).every((e) => e.payload.clientId === 'kafkajs-test' && Number.isInteger(e.payload.queueSize)))
}

test('consumer events fire with KafkaJS payloads: join, fetch, batches, commits, heartbeats, requests, stop, disconnect', async () => {
  const topic = uniqueName('kjs-instr-c')
  await producer.createTopic(topic, 1)
  await producer.send(topic, 0, ['a', 'b', 'c'].map((v) => ({ value: v })))
  checkConsumerEvents(await consumeThree(kafka(), topic), topic, 'facade')
})

test('consumer events: the facade emits every event real KafkaJS emits for the same run, with the same payload fields', { skip: noKafkaJS }, async () => {
  const topic = uniqueName('kjs-instr-cmp')
  await producer.createTopic(topic, 1)
  await producer.send(topic, 0, ['a', 'b', 'c'].map((v) => ({ value: v })))
  const theirs = await consumeThree(real(), topic)
  checkConsumerEvents(theirs, topic, 'KafkaJS')
  const ours = await consumeThree(kafka(), topic)
  for (const [type, list] of theirs) {
    assert.ok(ours.has(type), `the facade emits ${type}`)
    assert.deepEqual(keys(ours.get(type)![0].payload), keys(list[0].payload), `${type}: the same payload fields`)
  }
  assert.deepEqual(ours.get('consumer.start_batch_process')![0].payload, theirs.get('consumer.start_batch_process')![0].payload)
  const apiKeys = (events: Events) => new Map(events.get('consumer.network.request')!.map((e) => [e.payload.apiName, e.payload.apiKey]))
  const theirKeys = apiKeys(theirs)
  for (const [api, key] of apiKeys(ours)) if (theirKeys.has(api)) assert.equal(key, theirKeys.get(api), `${api}: the same apiKey`)
})

/** Admin calls of one run: connect, create a topic, read its metadata and offsets, disconnect. */
async function adminRun(client: Kafka): Promise<Events> {
  const events: Events = new Map()
  const admin = client.admin()
  const off = listen(admin as any, events)
  try {
    await admin.connect()
    const topic = uniqueName('kjs-instr-a')
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
    await admin.fetchTopicOffsets(topic)
  } finally {
    await admin.disconnect()
    off()
  }
  return events
}

function checkAdminEvents(events: Events, who: string): void {
  for (const type of ['admin.connect', 'admin.disconnect', 'admin.network.request', ...(queueSizes(who) ? ['admin.network.request_queue_size'] : [])]) assert.ok(events.has(type), `${who}: ${type} fired`)
  assert.equal(keys(events.get('admin.connect')![0].payload), null)
  const apis = new Set(events.get('admin.network.request')!.map((e) => e.payload.apiName))
  for (const api of ['Metadata', 'CreateTopics', 'ListOffsets']) assert.ok(apis.has(api), `${who}: a ${api} REQUEST event (saw ${[...apis].join(', ')})`)
  for (const e of events.get('admin.network.request')!) assert.ok(e.payload.clientId === 'kafkajs-test' && e.payload.size > 0 && e.payload.duration >= 0)
}

test('admin events fire with KafkaJS payloads: connect, requests, queue sizes, disconnect', async () => {
  checkAdminEvents(await adminRun(kafka()), 'facade')
})

test('admin events: the same events and payload fields as real KafkaJS', { skip: noKafkaJS }, async () => {
  const theirs = await adminRun(real())
  checkAdminEvents(theirs, 'KafkaJS')
  const ours = await adminRun(kafka())
  for (const [type, list] of theirs) {
    assert.ok(ours.has(type), `the facade emits ${type}`)
    assert.deepEqual(keys(ours.get(type)![0].payload), keys(list[0].payload), `${type}: the same payload fields`)
  }
})

/** An admin whose ListOffsets responses are held past its requestTimeout: the REQUEST_TIMEOUT events it emits. */
async function timedOut(make: (brokers: string) => Kafka): Promise<any[]> {
  const proxy = await FaultProxy.start({ bootstrap: bootstrapServers().split(',')[0]! })
  const admin = make(proxy.bootstrap).admin()
  const timeouts: any[] = []
  const off = admin.on(admin.events.REQUEST_TIMEOUT, (e) => timeouts.push(e))
  try {
    await admin.connect()
    const topic = uniqueName('kjs-instr-t')
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
    await proxy.set({ delayMs: 3000, apis: [ListOffsetsApi.apiKey] })
    const call = admin.fetchTopicOffsets(topic).catch(() => undefined)
    await waitFor(() => timeouts.length > 0, 'a REQUEST_TIMEOUT event', 20000)
    await proxy.heal()
    await call
  } finally {
    off()
    await admin.disconnect()
    await proxy.close()
  }
  return timeouts
}

const lateConfig = { requestTimeout: 1000, retry: { retries: 1, initialRetryTime: 100 } }

test('admin REQUEST_TIMEOUT fires with KafkaJS payload fields when a response is late', async () => {
  const timeouts = await timedOut((brokers) => kafka({ brokers: brokers.split(','), ...lateConfig }))
  const e = timeouts[0]
  assert.equal(e.type, 'admin.network.request_timeout')
  assert.deepEqual(keys(e.payload), ['apiKey', 'apiName', 'apiVersion', 'broker', 'clientId', 'correlationId', 'createdAt', 'pendingDuration', 'sentAt'])
  assert.equal(e.payload.apiName, 'ListOffsets')
  assert.equal(e.payload.apiKey, ListOffsetsApi.apiKey)
  if (!noKafkaJS) {
    const theirs = await timedOut((brokers) => real(brokers, lateConfig))
    assert.deepEqual(keys(e.payload), keys(theirs[0].payload), 'the fields real KafkaJS reports')
    assert.equal(theirs[0].payload.apiName, 'ListOffsets')
  }
})
