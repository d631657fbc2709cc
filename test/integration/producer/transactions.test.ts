import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin, KafkaError, Producer, serializers } from '../../../src/index.js'
import { ControlRecordType, decodeControlRecordKey } from '../../../src/protocol/records/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { createTopic, deleteTopic, readPartition, type ReadRecord } from './helpers.js'

function producer(transactionalId: string, extra: Record<string, unknown> = {}) {
  return new Producer({
    'bootstrap.servers': bootstrapServers(),
    'transactional.id': transactionalId,
    'key.serializer': serializers.string,
    'value.serializer': serializers.string,
    ...extra,
  })
}

/** The partition's records as [value or marker, transactional]: "COMMIT"/"ABORT" for control records. */
function summary(records: ReadRecord[]): string[] {
  return records.map((r) => {
    if (r.batch.isControl) return decodeControlRecordKey(r.key).type === ControlRecordType.COMMIT ? 'COMMIT' : 'ABORT'
    return `${r.value!.toString()}${r.batch.isTransactional ? '' : ' (not transactional)'}`
  })
}

/**
 * The partition's records once the last one is the `marker` of the transaction just ended:
 * commitTransaction/abortTransaction return once the coordinator has decided, and it appends the
 * markers after that (Kafka answers EndTxn before the last marker is in the log).
 */
async function readUntilMarker(topic: string, partition: number, marker: 'COMMIT' | 'ABORT'): Promise<ReadRecord[]> {
  let records = await readPartition(topic, partition)
  for (const end = Date.now() + 15000; summary(records).at(-1) !== marker && Date.now() < end;) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    records = await readPartition(topic, partition)
  }
  return records
}

test('commit and abort: records carry the markers, offsets sent to the transaction commit with it', async () => {
  const topic = uniqueName('producer-txn')
  const group = uniqueName('producer-txn-group')
  await createTopic(topic, 1)
  const p = producer(uniqueName('txn'))
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  try {
    await p.initTransactions()
    p.beginTransaction()
    const first = await Promise.all(['a', 'b', 'c'].map((value) => p.send({ topic, key: 'k', value })))
    // Offsets of the wrong shape are refused before the transaction is touched: it stays committable.
    const send = p.sendOffsetsToTransaction.bind(p) as (offsets: unknown, group: unknown) => Promise<void>
    await assert.rejects(send([{ topic, partition: 0, offset: 42 }], { groupId: group }), (e: unknown) =>
      e instanceof KafkaError && e.type === 'INVALID_ARGUMENT' && e.message === 'sendOffsetsToTransaction(): offsets[0].offset must be a bigint >= 0n, got 42')
    await assert.rejects(send({ topic, partition: 0, offset: 42n }, { groupId: group }), (e: unknown) =>
      e instanceof KafkaError && e.type === 'INVALID_ARGUMENT' && /^sendOffsetsToTransaction\(\): offsets must be an array of offsets/.test(e.message))
    await p.sendOffsetsToTransaction([{ topic, partition: 0, offset: 42n }], { groupId: group, generationId: -1, memberId: '', groupInstanceId: null })
    await p.commitTransaction()
    assert.deepEqual(first.map((m) => m.offset), [0n, 1n, 2n])

    p.beginTransaction()
    await Promise.all(['x', 'y'].map((value) => p.send({ topic, key: 'k', value })))
    await p.abortTransaction()

    p.beginTransaction()
    await p.send({ topic, key: 'k', value: 'd' })
    await p.commitTransaction()

    const records = await readUntilMarker(topic, 0, 'COMMIT')
    assert.deepEqual(summary(records), ['a', 'b', 'c', 'COMMIT', 'x', 'y', 'ABORT', 'd', 'COMMIT'])
    const pids = new Set(records.map((r) => r.batch.producerId))
    assert.equal(pids.size, 1, 'one producer id throughout')
    const offsets = await admin.listConsumerGroupOffsets(group)
    assert.equal(offsets.find((o) => o.topic === topic && o.partition === 0)?.offset, 42n, 'the offsets committed with the transaction')
  } finally {
    await p.close()
    await admin.close()
    await deleteTopic(topic)
  }
})

test('abort fails the records not sent yet; the next transaction works', async () => {
  const topic = uniqueName('producer-txn-abort')
  await createTopic(topic, 2)
  const p = producer(uniqueName('txn'), { 'linger.ms': 60000, 'batch.size': 1 << 20 })
  try {
    await p.initTransactions()
    p.beginTransaction()
    const pending = Promise.allSettled([p.send({ topic, key: 'a', value: '1' }), p.send({ topic, key: 'b', value: '2' })])
    await new Promise((r) => setTimeout(r, 50))
    await p.abortTransaction()
    for (const r of await pending) {
      assert.equal(r.status, 'rejected')
      assert.equal(((r as PromiseRejectedResult).reason as KafkaError).type, 'TRANSACTION_ABORTED')
    }
    await assert.rejects(p.send({ topic, value: 'outside' }), /beginTransaction/, 'no sends outside a transaction')
    p.beginTransaction()
    const md = await Promise.all([p.send({ topic, key: 'a', value: '3' }), p.commitTransaction()])
    const records = await readUntilMarker(topic, md[0].partition, 'COMMIT')
    assert.deepEqual(summary(records).filter((s) => s !== 'ABORT'), ['3', 'COMMIT'])
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})

test('a record that fails makes the transaction abortable: commit refuses, abort recovers', async () => {
  const topic = uniqueName('producer-txn-fail')
  await createTopic(topic, 1, { 'max.message.bytes': '2000' })
  const p = producer(uniqueName('txn'))
  try {
    await p.initTransactions()
    p.beginTransaction()
    const ok = p.send({ topic, key: 'k', value: 'small' })
    const big = p.send({ topic, key: 'k', value: 'x'.repeat(5000) })
    await assert.rejects(big, (e: KafkaError) => e.type === 'MESSAGE_TOO_LARGE' || e.type === 'RECORD_LIST_TOO_LARGE' || /transaction/.test(e.message))
    await ok.catch(() => {})
    await assert.rejects(p.commitTransaction(), /must be aborted/)
    await assert.rejects(p.send({ topic, value: 'more' }), /must be aborted/)
    await p.abortTransaction()
    p.beginTransaction()
    await p.send({ topic, key: 'k', value: 'after' })
    await p.commitTransaction()
    const values = summary(await readUntilMarker(topic, 0, 'COMMIT'))
    assert.equal(values.at(-1), 'COMMIT')
    assert.equal(values.at(-2), 'after')
  } finally {
    await p.close()
    await deleteTopic(topic)
  }
})

test('a second producer with the same transactional.id fences the first', async () => {
  const topic = uniqueName('producer-txn-fence')
  await createTopic(topic, 1)
  const id = uniqueName('txn')
  const p1 = producer(id)
  const p2 = producer(id)
  try {
    await p1.initTransactions()
    p1.beginTransaction()
    await p1.send({ topic, key: 'k', value: 'old' })
    await p2.initTransactions()
    // The coordinator aborted p1's transaction when p2 took over the id.
    await assert.rejects(p1.commitTransaction(), (e: KafkaError) => /fenced|PRODUCER_FENCED|INVALID_PRODUCER_EPOCH/.test(`${e.type} ${e.message}`))
    assert.throws(() => p1.beginTransaction(), /fenced|PRODUCER_FENCED|INVALID_PRODUCER_EPOCH/)
    p2.beginTransaction()
    await p2.send({ topic, key: 'k', value: 'new' })
    await p2.commitTransaction()
    const values = summary(await readUntilMarker(topic, 0, 'COMMIT'))
    assert.deepEqual(values, ['old', 'ABORT', 'new', 'COMMIT'])
  } finally {
    await Promise.all([p1.close({ timeoutMs: 5000 }), p2.close()])
    await deleteTopic(topic)
  }
})

test('close() aborts an open transaction instead of leaving it to time out', async () => {
  const topic = uniqueName('producer-txn-close')
  await createTopic(topic, 1)
  const id = uniqueName('txn')
  const p = producer(id)
  await p.initTransactions()
  p.beginTransaction()
  await p.send({ topic, key: 'k', value: 'left open' })
  await p.close()
  try {
    // The ABORT marker is written at once: the partition's last stable offset is its end again.
    const values = summary(await readUntilMarker(topic, 0, 'ABORT'))
    assert.deepEqual(values, ['left open', 'ABORT'])
  } finally {
    await deleteTopic(topic)
  }
})
