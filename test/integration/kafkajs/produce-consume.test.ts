import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CompressionTypes, KafkaJSNonRetriableError, type EachBatchPayload, type KafkaMessage } from '../../../src/kafkajs/index.js'
import { createTopic, sharedClients, uniqueName, waitFor } from './helpers.js'

const { client, admin, producer } = sharedClients()

type Seen = { topic: string; partition: number; message: KafkaMessage }

test('eachMessage gets what send() wrote: keys placed as Java places them, strings for offsets and timestamps, headers as Buffers', async () => {
  const topic = await createTopic(admin, 3)
  // Java's murmur2 puts these keys in partitions 0, 2, 2, 1 of 3 (see test/kafkajs/partitioners.test.ts)
  const keyed = ['key-1', 'key-2', 'key-3', 'user:42']
  const result = await producer.send({
    topic,
    messages: [
      ...keyed.map((key) => ({ key, value: `v-${key}`, timestamp: '1700000000123', headers: { trace: 'abc', multi: ['x', Buffer.from('y')] } })),
      { key: Buffer.from('key-1'), value: Buffer.from([0, 1, 2]) },
      { value: null, partition: 1 },
    ],
  })
  assert.deepEqual(result.map((r) => [r.topicName, r.partition, r.errorCode, r.baseOffset]), [[topic, 0, 0, '0'], [topic, 1, 0, '0'], [topic, 2, 0, '0']])
  assert.ok(result.every((r) => r.logAppendTime === '-1' && typeof r.logStartOffset === 'string'))

  const consumer = client.consumer({ groupId: uniqueName('g') })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const seen: Seen[] = []
  await consumer.run({ eachMessage: async ({ topic, partition, message }) => void seen.push({ topic, partition, message }) })
  await waitFor(() => seen.length === 6, '6 messages')
  await consumer.disconnect()

  const byKey = new Map(seen.filter((s) => s.message.key !== null && s.message.value?.toString().startsWith('v-')).map((s) => [s.message.key!.toString(), s]))
  assert.deepEqual(keyed.map((k) => byKey.get(k)!.partition), [0, 2, 2, 1])
  const m = byKey.get('key-2')!.message
  assert.equal(m.timestamp, '1700000000123')
  assert.equal(typeof m.offset, 'string')
  assert.deepEqual(m.headers, { trace: Buffer.from('abc'), multi: [Buffer.from('x'), Buffer.from('y')] })
  assert.ok(Buffer.isBuffer(m.value) && Buffer.isBuffer(m.key))
  const binary = seen.find((s) => s.message.value?.equals(Buffer.from([0, 1, 2])))!
  assert.equal(binary.partition, 0, 'a Buffer key hashes like the same string')
  const nul = seen.find((s) => s.message.value === null)!
  assert.deepEqual([nul.partition, nul.message.key], [1, null])
  for (const s of seen) assert.match(s.message.timestamp, /^\d{13}$/)
})

test('acks and compression are per send; acks 0 resolves to []; sendBatch spans topics', async () => {
  const a = await createTopic(admin, 1)
  const b = await createTopic(admin, 2)
  const codecs = [CompressionTypes.None, CompressionTypes.GZIP, CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD]
  for (const compression of codecs) {
    const r = await producer.send({ topic: a, acks: 1, compression, messages: [{ value: `c${compression}-1` }, { value: `c${compression}-2` }] })
    assert.equal(r.length, 1)
  }
  assert.deepEqual(await producer.send({ topic: a, acks: 0, messages: [{ value: 'no-ack' }] }), [])
  // acks 0 resolves once written; the broker appends it a moment later (and before 'last' below).
  for (const until = Date.now() + 10000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
    const [end] = await admin.fetchTopicOffsets(a)
    if (end!.high === '11') break
  }
  const batch = await producer.sendBatch({
    topicMessages: [
      { topic: b, messages: [{ value: '1', partition: 0 }] },
      { topic: a, messages: [{ value: 'last' }] },
      { topic: b, messages: [{ value: '2', partition: 1 }] },
    ],
  })
  // topics in request order (b's messages merged), partitions ascending; the acks-0 record took offset 10
  assert.deepEqual(batch.map((r) => [r.topicName, r.partition, r.baseOffset]), [[b, 0, '0'], [b, 1, '0'], [a, 0, '11']])

  const consumer = client.consumer({ groupId: uniqueName('g') })
  await consumer.subscribe({ topic: a, fromBeginning: true })
  const values: string[] = []
  await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) })
  await waitFor(() => values.length === 12, '12 messages')
  await consumer.disconnect()
  assert.deepEqual(values, [...codecs.flatMap((c) => [`c${c}-1`, `c${c}-2`]), 'no-ack', 'last'])
})

test('eachBatch: Batch offsets, resolveOffset, uncommittedOffsets and commitOffsetsIfNecessary; what was resolved is committed', async () => {
  const topic = await createTopic(admin, 1)
  await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: String(i) })) })
  const groupId = uniqueName('g')
  const consumer = client.consumer({ groupId })
  await consumer.subscribe({ topic, fromBeginning: true })
  const values: string[] = []
  const checks: { first: string | null; last: string; hw: string; lag: string; uncommitted: unknown; running: boolean; stale: boolean }[] = []
  await consumer.run({
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, uncommittedOffsets, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload) => {
      for (const message of batch.messages) {
        if (Number(message.value!.toString()) >= 7) break // leave 7, 8, 9 unresolved: they come again
        values.push(message.value!.toString())
        resolveOffset(message.offset)
        await heartbeat()
      }
      checks.push({ first: batch.firstOffset(), last: batch.lastOffset(), hw: batch.highWatermark, lag: batch.offsetLag(), uncommitted: uncommittedOffsets(), running: isRunning(), stale: isStale() })
      await commitOffsetsIfNecessary()
    },
  })
  await waitFor(() => values.length >= 7 && checks.length >= 2, 'batches')
  await consumer.disconnect()
  assert.deepEqual(values, ['0', '1', '2', '3', '4', '5', '6'])
  const c = checks[0]!
  assert.equal(c.first, '0')
  assert.equal(c.hw, '10')
  assert.equal(BigInt(c.last) + 1n + BigInt(c.lag), 10n, 'lastOffset + 1 + offsetLag = high watermark')
  assert.deepEqual(c.uncommitted, { topics: [{ topic, partitions: [{ partition: 0, offset: '7' }] }] })
  assert.deepEqual([c.running, c.stale], [true, false])
  assert.equal(checks[1]!.first, '7', 'unresolved messages are delivered again')
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
  assert.deepEqual(committed!.partitions, [{ partition: 0, offset: '7', metadata: null }])
})

test('eachBatch with auto-resolve commits the whole batch', async () => {
  const topic = await createTopic(admin, 2)
  await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: String(i) })) })
  const groupId = uniqueName('g')
  const consumer = client.consumer({ groupId })
  await consumer.subscribe({ topic, fromBeginning: true })
  let n = 0
  await consumer.run({ partitionsConsumedConcurrently: 2, eachBatch: async ({ batch }) => void (n += batch.messages.length) })
  await waitFor(() => n === 20, '20 messages')
  await consumer.disconnect()
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
  const total = committed!.partitions.reduce((sum, p) => sum + Number(p.offset), 0)
  assert.equal(total, 20)
})

test('an idempotent producer sends with acks -1 and refuses other acks', async () => {
  const topic = await createTopic(admin, 1)
  const idem = client.producer({ idempotent: true })
  await idem.connect()
  try {
    const r = await idem.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] })
    assert.deepEqual(r.map((x) => x.baseOffset), ['0'])
    await assert.rejects(idem.send({ topic, acks: 1, messages: [{ value: 'c' }] }), KafkaJSNonRetriableError)
  } finally {
    await idem.disconnect()
  }
})

test('transactions: committed messages are read, aborted ones are not (read_committed is the default)', async () => {
  const topic = await createTopic(admin, 1)
  const source = await createTopic(admin, 1)
  const groupId = uniqueName('g')
  const tx = client.producer({ transactionalId: uniqueName('tx'), maxInFlightRequests: 1, idempotent: true })
  await tx.connect()
  try {
    const t1 = await tx.transaction()
    assert.equal(t1.isActive(), true)
    await t1.send({ topic, messages: [{ value: 'committed-1' }, { value: 'committed-2' }] })
    await t1.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: source, partitions: [{ partition: 0, offset: '5' }] }] })
    await t1.commit()
    assert.equal(t1.isActive(), false)
    await assert.rejects(t1.send({ topic, messages: [{ value: 'late' }] }), /not active/)
    const t2 = await tx.transaction()
    await assert.rejects(tx.transaction(), /already an ongoing transaction/)
    await t2.sendBatch({ topicMessages: [{ topic, messages: [{ value: 'aborted' }] }] })
    await t2.abort()
    const t3 = await tx.transaction()
    await t3.send({ topic, messages: [{ value: 'committed-3' }] })
    await t3.commit()
  } finally {
    await tx.disconnect()
  }
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [source] })
  assert.deepEqual(offsets!.partitions, [{ partition: 0, offset: '5', metadata: null }], 'sendOffsets committed with the transaction')
  const consumer = client.consumer({ groupId: uniqueName('g') })
  await consumer.subscribe({ topic, fromBeginning: true })
  const values: string[] = []
  await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) })
  await waitFor(() => values.length === 3, '3 committed messages')
  await consumer.disconnect()
  assert.deepEqual(values, ['committed-1', 'committed-2', 'committed-3'])
})
