import assert from 'node:assert/strict'
import { test } from 'node:test'
import { KafkaError, serializers, type Producer, type RecordMetadata } from 'samsa'
import { MockProducer } from 'samsa/testing'
import { partitionForKey } from '../../src/producer/partitioners.js'

test('auto-complete: history in send order, offsets per partition from 0, sizes from the serializers', async () => {
  const producer = new MockProducer<string, string>({ 'key.serializer': serializers.string, 'value.serializer': serializers.string, partitions: { t: 3 } })
  const a = await producer.send({ topic: 't', partition: 1, key: 'k', value: 'hello' })
  const b = await producer.send({ topic: 't', partition: 1, key: null, value: 'x' })
  const c = await producer.send({ topic: 't', key: 'user-7', value: null })
  assert.deepEqual([a.partition, a.offset, a.serializedKeySize, a.serializedValueSize], [1, 0n, 1, 5])
  assert.deepEqual([b.partition, b.offset, b.serializedKeySize], [1, 1n, -1])
  // a keyed record goes where the real producer (and Java) would put it
  assert.equal(c.partition, partitionForKey(Buffer.from('user-7'), 3))
  assert.equal(c.serializedValueSize, -1)
  assert.deepEqual(producer.history().map((r) => r.value), ['hello', 'x', null])
  producer.clear()
  assert.deepEqual(producer.history(), [])
})

test('manual completion: completeNext and errorNext settle the oldest pending send, callbacks in send order', async () => {
  const producer = new MockProducer({ autoComplete: false })
  const order: string[] = []
  const p1 = producer.send({ topic: 't', value: Buffer.from('1') }).then((m) => order.push(`ok ${m.offset}`))
  producer.send({ topic: 't', value: Buffer.from('2') }, (error) => order.push(`cb ${error?.message}`))
  const p3 = producer.send({ topic: 't', value: Buffer.from('3') }).catch((e: KafkaError) => order.push(`rejected ${e.message}`))
  assert.equal(producer.history().length, 3, 'sends are in the history before they complete')
  assert.equal(producer.pendingCount, 3)
  assert.equal(producer.completeNext(), true)
  assert.equal(producer.errorNext(new Error('broker said no')), true)
  assert.equal(producer.errorNext(new KafkaError('not leader', { type: 'NOT_LEADER_OR_FOLLOWER', retriable: true })), true)
  assert.equal(producer.completeNext(), false, 'nothing left to complete')
  await Promise.all([p1, p3])
  assert.deepEqual(order, ['ok 0', 'cb broker said no', 'rejected not leader'])
})

test('flush completes what is pending; flushed() says so', async () => {
  const producer = new MockProducer({ autoComplete: false })
  const sent = producer.send({ topic: 't', value: null })
  assert.equal(producer.flushed(), false)
  await producer.flush()
  assert.equal(producer.flushed(), true)
  assert.equal((await sent).offset, 0n)
  producer.send({ topic: 't', value: null }, () => {})
  assert.equal(producer.flushed(), false, 'a later send is pending again')
})

test('an async serializer keeps completion order, a failing one fails only its record', async () => {
  const slow = { serialize: async (_t: string, v: string) => { await new Promise((r) => setTimeout(r, 20)); return Buffer.from(v) } }
  const producer = new MockProducer<Buffer, string>({ 'value.serializer': slow as never })
  const bad = new MockProducer<Buffer, string>({ 'value.serializer': { serialize: () => { throw new Error('cannot encode') } } })
  const seen: bigint[] = []
  await Promise.all([
    producer.send({ topic: 't', value: 'a' }).then((m) => seen.push(m.offset)),
    producer.send({ topic: 't', value: 'b' }).then((m) => seen.push(m.offset)),
  ])
  assert.deepEqual(seen, [0n, 1n])
  await assert.rejects(bad.send({ topic: 't', value: 'a' }), (e: KafkaError) => e.type === 'SERIALIZATION' && /cannot encode/.test(e.message))
  assert.equal((await bad.send({ topic: 't', value: null })).offset, 0n, 'the next record is unaffected')
})

test('transactions: records reach history on commit, are dropped on abort, state rules as the real producer', async () => {
  const producer = new MockProducer<Buffer, string>({ 'transactional.id': 'tx', 'value.serializer': serializers.string })
  await assert.rejects(producer.send({ topic: 't', value: 'early' }), (e: KafkaError) => e.type === 'ILLEGAL_STATE')
  assert.throws(() => producer.beginTransaction(), /initTransactions/)
  await producer.initTransactions()
  assert.equal(producer.transactionInitialized(), true)
  producer.beginTransaction()
  await producer.send({ topic: 't', value: 'one' })
  await producer.sendOffsetsToTransaction([{ topic: 'in', partition: 0, offset: 5n }], { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null })
  assert.deepEqual(producer.uncommittedRecords().map((r) => r.value), ['one'])
  assert.deepEqual(producer.history(), [])
  await producer.commitTransaction()
  assert.deepEqual(producer.history().map((r) => r.value), ['one'])
  assert.deepEqual(producer.consumerGroupOffsetsHistory(), [new Map([['g', [{ topic: 'in', partition: 0, offset: 5n }]]])])
  producer.beginTransaction()
  await producer.send({ topic: 't', value: 'two' })
  await producer.abortTransaction()
  assert.deepEqual(producer.history().map((r) => r.value), ['one'])
  assert.equal(producer.transactionCommitted(), true)
  assert.equal(producer.transactionAborted(), true)
  await assert.rejects(producer.commitTransaction(), /no transaction in progress/)
})

test('injected failures fire once; fencing fails later calls; close', async () => {
  const producer = new MockProducer({ 'transactional.id': 'tx' })
  producer.initTransactionException = new KafkaError('coordinator not available', { type: 'COORDINATOR_NOT_AVAILABLE', retriable: true })
  await assert.rejects(producer.initTransactions(), /coordinator not available/)
  await producer.initTransactions()
  producer.beginTransaction()
  producer.sendException = new Error('buffer full')
  await assert.rejects(producer.send({ topic: 't', value: null }), /buffer full/)
  await producer.send({ topic: 't', value: null })
  producer.fenceProducer()
  await assert.rejects(producer.commitTransaction(), (e: KafkaError) => e.type === 'PRODUCER_FENCED')
  await assert.rejects(producer.send({ topic: 't', value: null }), (e: KafkaError) => e.type === 'PRODUCER_FENCED')
  const plain = new MockProducer()
  await plain.close()
  assert.equal(plain.closed(), true)
  await assert.rejects(plain.send({ topic: 't', value: null }), /closed/)
})

test('partitionsFor answers from the configured partition counts; an unknown partition fails the send', async () => {
  const producer = new MockProducer({ partitions: { orders: 2 } })
  assert.deepEqual((await producer.partitionsFor('orders')).map((p) => p.partition), [0, 1])
  assert.deepEqual(await producer.partitionsFor('other'), [])
  await assert.rejects(producer.send({ topic: 'orders', partition: 5, value: null }), (e: KafkaError) => e.type === 'UNKNOWN_TOPIC_OR_PARTITION')
})

test('a function written against Producer accepts a MockProducer', async () => {
  // The application code under test takes the real type; the mock must fit it where it is used.
  type Sender = Pick<Producer<string, string>, 'send' | 'flush'>
  async function publish(producer: Sender, values: string[]): Promise<RecordMetadata[]> {
    const out = await Promise.all(values.map((value) => producer.send({ topic: 'events', key: value, value })))
    await producer.flush()
    return out
  }
  const mock = new MockProducer<string, string>({ 'key.serializer': serializers.string, 'value.serializer': serializers.string })
  const metadata = await publish(mock, ['a', 'b'])
  assert.deepEqual(metadata.map((m) => m.offset), [0n, 1n])
  assert.deepEqual(mock.history().map((r) => r.key), ['a', 'b'])
})
