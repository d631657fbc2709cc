import { test } from 'node:test'
import assert from 'node:assert/strict'
import { OffsetTracker } from '../../src/kafkajs/offsets.js'
import { PauseState, checkPauseRequest } from '../../src/kafkajs/pauses.js'
import { PartitionBatch, toIHeaders } from '../../src/kafkajs/batch.js'
import { KafkaJSNonRetriableError } from '../../src/kafkajs/index.js'

test('resolved offsets are the next offset to read and stay uncommitted until committed', () => {
  const t = new OffsetTracker()
  t.resolve('a', 0, 4n)
  t.resolve('a', 1, 9n)
  t.resolve('b', 0, 0n)
  assert.deepEqual(t.uncommitted(), [
    { topic: 'a', partitions: [{ partition: 0, offset: '5' }, { partition: 1, offset: '10' }] },
    { topic: 'b', partitions: [{ partition: 0, offset: '1' }] },
  ])
  assert.equal(t.pendingCount(), 5n + 10n + 1n, 'never committed partitions count from 0, as in KafkaJS')
  t.markCommitted([{ topic: 'a', partitions: [{ partition: 0, offset: '5' }] }])
  assert.deepEqual(t.uncommitted([{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }]), [{ topic: 'a', partitions: [{ partition: 1, offset: '10' }] }])
  t.resolve('a', 0, 7n)
  assert.equal(t.pendingCount(), 3n + 10n + 1n)
  t.forget([{ topic: 'a', partition: 1 }])
  t.setNext('b', 0, 100n)
  assert.deepEqual(t.uncommitted(), [{ topic: 'a', partitions: [{ partition: 0, offset: '8' }] }, { topic: 'b', partitions: [{ partition: 0, offset: '100' }] }])
  t.clearResolved('b', 0)
  assert.equal(t.next('b', 0), undefined)
})

test('pause state follows KafkaJS: whole topics, single partitions, partial resumes', () => {
  const p = new PauseState()
  p.pause([{ topic: 't' }])
  assert.ok(p.isPaused('t', 0) && p.isPaused('t', 7))
  p.resume([{ topic: 't', partitions: [7] }])
  assert.ok(p.isPaused('t', 0) && !p.isPaused('t', 7))
  p.pause([{ topic: 'u', partitions: [1] }])
  assert.ok(p.isPaused('u', 1) && !p.isPaused('u', 0))
  const assigned = [0, 1, 7].flatMap((partition) => [{ topic: 't', partition }, { topic: 'u', partition }])
  assert.deepEqual(p.paused(assigned), [{ topic: 't', partitions: [0, 1] }, { topic: 'u', partitions: [1] }])
  p.resume([{ topic: 't' }])
  assert.ok(!p.isPaused('t', 0))
  assert.throws(() => checkPauseRequest([{ topic: '' }], 'pause'), KafkaJSNonRetriableError)
  assert.throws(() => checkPauseRequest([{ topic: 't', partitions: 'x' as never }], 'resume'), /to resume specific partitions/)
})

test('messages: headers as an object of Buffers, repeated keys as arrays; batch offsets as KafkaJS reports them', () => {
  assert.deepEqual(toIHeaders([{ key: 'a', value: Buffer.from('1') }, { key: 'b', value: Buffer.from('2') }, { key: 'a', value: Buffer.from('3') }, { key: 'a', value: Buffer.from('4') }]), {
    a: [Buffer.from('1'), Buffer.from('3'), Buffer.from('4')],
    b: Buffer.from('2'),
  })
  const record = (offset: bigint) => ({ topic: 't', partition: 0, offset, timestamp: 1700000000000, timestampType: 'CreateTime' as const, key: null, value: Buffer.from('v'), headers: [], serializedKeySize: -1, serializedValueSize: 1 })
  // records 10 and 11, then a control record at 12: the position is 13, the partition ends at 20
  const b = new PartitionBatch('t', 0, [record(10n), record(11n)], 13n, 20n, 0)
  assert.deepEqual(b.messages[0], { key: null, value: Buffer.from('v'), timestamp: '1700000000000', attributes: 0, offset: '10', headers: {} })
  assert.deepEqual([b.isEmpty(), b.firstOffset(), b.lastOffset(), b.offsetLag(), b.offsetLagLow(), b.highWatermark], [false, '10', '12', '7', '9', '20'])
  assert.equal(b.next, 10n)
})
