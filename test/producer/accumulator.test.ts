import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Accumulator, type AccumulatorSettings, type ReadyResult } from '../../src/producer/accumulator.js'
import type { Snapshot, TopicInfo } from '../../src/cluster/metadata.js'
import type { KafkaError } from '../../src/errors.js'
import type { RecordMetadata } from '../../src/producer/types.js'

/** Topic "t": partitions 0 and 1 led by broker 1, partition 2 by broker 2, partition 3 leaderless. */
function snapshot(leaders = [1, 1, 2, -1]): Snapshot {
  const t: TopicInfo = {
    name: 't',
    topicId: 'x',
    isInternal: false,
    errorCode: 0,
    partitions: leaders.map((leader, partition) => ({ topic: 't', partition, leader, leaderEpoch: 0, replicas: [], isr: [], offlineReplicas: [], errorCode: 0 })),
  }
  return { clusterId: 'c', controllerId: 1, brokers: new Map(), topics: new Map([['t', t]]), updatedAt: 1 }
}

function make(overrides: Partial<AccumulatorSettings> = {}) {
  const snap = snapshot()
  let sendable = 0
  const acc = new Accumulator({
    batchSize: 1000,
    lingerMs: 10,
    deliveryTimeoutMs: 5000,
    bufferMemory: 10000,
    maxBlockMs: 100,
    retryBackoff: { backoffMs: 100, backoffMaxMs: 1000 },
    compression: 'none',
    compressionLevel: undefined,
    adaptivePartitioning: false,
    availabilityTimeoutMs: 0,
    snapshot: () => snap,
    ...overrides,
  })
  acc.listener = { onSendable: () => sendable++, onNewBatch: () => {} }
  const t = acc.topic('t', 0)
  t.refresh(snap)
  return { acc, t, sendable: () => sendable }
}

const value = Buffer.alloc(200, 1)
const results: [KafkaError | null, RecordMetadata | null][] = []
const cb = (e: KafkaError | null, m: RecordMetadata | null) => results.push([e, m])

function ready(acc: Accumulator, now: number): ReadyResult {
  const r: ReadyResult = { nodes: new Set(), queuesByNode: new Map(), unknownLeader: false, nextDelayMs: Infinity }
  acc.ready(now, r)
  return r
}

test('records fill a batch up to batch.size; each new batch reserves memory until it is done', () => {
  const { acc, t, sendable } = make()
  for (let i = 0; i < 10; i++) assert.ok(acc.append(t, 0, 1000, null, value, undefined, cb, 0))
  const q = t.queue(0)
  assert.ok(q.batches.length >= 2, 'a second batch once the first is full')
  assert.ok(q.batches[0]!.recordCount >= 4 && q.batches[0]!.sizeInBytes <= 1000)
  assert.equal(acc.memoryUsed, 1000 * q.batches.length)
  assert.equal(acc.recordsInFlight, 10)
  assert.ok(sendable() > 0, 'a full batch wakes the sender')
  const first = q.batches[0]!
  q.batches.shift()
  t.queued--
  const n = first.recordCount
  assert.ok(first.complete(41n, -1))
  acc.release(first, 0)
  assert.equal(acc.memoryUsed, 1000 * q.batches.length)
  assert.equal(acc.recordsInFlight, 10 - n)
  const acked = results.splice(0).map(([, m]) => m!.offset)
  assert.deepEqual(acked, Array.from({ length: n }, (_, i) => 41n + BigInt(i)))
})

test('a record larger than batch.size gets a batch of its own size', () => {
  const { acc, t } = make()
  assert.ok(acc.append(t, 1, 0, null, Buffer.alloc(3000), undefined, cb, 0))
  assert.ok(acc.memoryUsed >= 3000)
  assert.equal(t.queue(1).batches[0]!.recordCount, 1)
})

/** Takes the first batch of partition `p` out of its deque, acknowledges it and releases it. */
function finish(acc: Accumulator, t: ReturnType<typeof make>['t'], p: number) {
  const b = t.queue(p).batches.shift()!
  t.queued--
  b.complete(0n, -1)
  acc.release(b, 0)
  results.length = 0
  return b
}

test('the batch.size buffer of a done batch goes back to the pool and the next batch is written into it (nothing allocated)', () => {
  const { acc, t } = make()
  acc.append(t, 0, 0, null, value, undefined, cb, 0)
  const first = t.queue(0).batches[0]!
  const bytes = first.sealSync().buffer
  assert.equal(acc.freeBytes, 0)
  finish(acc, t, 0)
  assert.equal(acc.memoryUsed, 0)
  assert.equal(acc.freeBytes, 1000, 'its buffer is free, counted against buffer.memory')
  acc.append(t, 1, 0, null, value, undefined, cb, 0)
  assert.equal(acc.freeBytes, 0)
  assert.equal(acc.memoryUsed, 1000)
  assert.equal(t.queue(1).batches[0]!.sealSync().buffer, bytes, 'the same memory')
  acc.close()
})

test('buffer.memory bounds reserved and free buffers together: free ones are dropped when a larger batch needs their room', () => {
  const { acc, t } = make()
  // Fill buffer.memory (10 batches of 1000) over two partitions, then finish them all.
  for (let i = 0; i < 10; i++) assert.ok(acc.append(t, i % 2, 0, null, Buffer.alloc(900), undefined, cb, 0))
  assert.equal(acc.memoryUsed, 10000)
  assert.equal(acc.append(t, 0, 0, null, value, undefined, cb, 0), false, 'full')
  for (let i = 0; i < 10; i++) finish(acc, t, i % 2)
  assert.equal(acc.memoryUsed, 0)
  assert.equal(acc.freeBytes, 10000, 'every buffer pooled, no more than buffer.memory')
  // A 3000-byte record's batch is not pooled: three free buffers make room for it.
  assert.ok(acc.append(t, 1, 0, null, Buffer.alloc(3000), undefined, cb, 0))
  assert.ok(acc.memoryUsed >= 3000)
  assert.ok(acc.memoryUsed + acc.freeBytes <= 10000, `${acc.memoryUsed} reserved + ${acc.freeBytes} free`)
  assert.equal(acc.freeBytes, 10000 - 1000 * Math.ceil(acc.memoryUsed / 1000))
  // batch.size batches take free buffers: the total stays within buffer.memory.
  for (let i = 0; acc.append(t, 0, 0, null, Buffer.alloc(900), undefined, cb, 0); i++) {
    assert.ok(acc.memoryUsed + acc.freeBytes <= 10000)
  }
  assert.equal(acc.freeBytes, 0)
  // The large batch done: its buffer is not a batch.size one and is not kept.
  finish(acc, t, 1)
  assert.ok(acc.memoryUsed + acc.freeBytes <= 10000)
  assert.equal(acc.freeBytes, 0)
  acc.close()
})

test('with compression, free records buffers count against buffer.memory too', async () => {
  const { acc, t } = make({ compression: 'lz4' })
  // A ratio estimate below 1: new batches write their records into buffers larger than batch.size.
  t.compressionRatio = 0.3
  const text = Buffer.from('compressible '.repeat(60))
  for (let round = 0; round < 3; round++) {
    const batches = []
    for (let i = 0; acc.append(t, i % 2, 0, null, text, undefined, cb, 0); i++) {
      assert.ok(acc.memoryUsed + acc.idleBytes <= 10000 + 1000 * 10, 'records buffers of open batches are beyond their reservations')
    }
    for (const p of [0, 1]) {
      for (const b of t.queue(p).batches) batches.push(b)
    }
    for (const b of batches) await b.seal()
    for (const b of batches) {
      const q = b.queue
      q.batches.splice(q.batches.indexOf(b), 1)
      t.queued--
      b.complete(0n, -1)
      acc.release(b, 0)
      results.length = 0
      assert.ok(acc.memoryUsed + acc.idleBytes <= 10000, `round ${round}: ${acc.memoryUsed} reserved + ${acc.idleBytes} free`)
    }
    assert.equal(acc.memoryUsed, 0)
    assert.ok(acc.idleBytes > 0, 'buffers kept for the next batches')
  }
  acc.close()
})

test('without compression, a finished oversized batch gives its buffer to the next record larger than batch.size', async () => {
  const { acc, t } = make({ bufferMemory: 1_000_000 })
  const seal = (partition: number) => {
    const b = t.queue(partition).batches.shift()!
    t.queued--
    return { b, bytes: b.sealSync() }
  }
  assert.ok(acc.append(t, 0, 0, null, Buffer.alloc(3000, 7), undefined, cb, 0))
  const first = seal(0)
  first.b.complete(0n, -1)
  acc.release(first.b, 0)
  // 2,900 bytes fit the 64 KiB buffer the 3,000-byte record had: same memory, new records.
  assert.ok(acc.append(t, 1, 0, null, Buffer.alloc(2900, 9), undefined, cb, 0))
  const second = seal(1)
  assert.equal(second.bytes.buffer, first.bytes.buffer, 'the pooled buffer is reused')
  assert.deepEqual((await second.b.records()).map((r) => r.value), [Buffer.alloc(2900, 9)])
  // While that batch is open its buffer is taken: another oversized record gets one of its own.
  assert.ok(acc.append(t, 0, 0, null, Buffer.alloc(3000, 5), undefined, cb, 0))
  assert.notEqual(seal(0).bytes.buffer, second.bytes.buffer)
  // A record larger than every free buffer gets a new one too.
  second.b.complete(1n, -1)
  acc.release(second.b, 0)
  assert.ok(acc.append(t, 1, 0, null, Buffer.alloc(70_000, 3), undefined, cb, 0))
  const big = seal(1)
  assert.notEqual(big.bytes.buffer, first.bytes.buffer)
  assert.ok(big.bytes.buffer.byteLength >= 70_000)
  results.length = 0
})

test('held at buffer.memory, a done oversized batch still gives its buffer to the next large record (its reservation is released right after)', () => {
  // Two 60,000-byte records fill most of 140,000 bytes; each batch has a 64 KiB buffer.
  const { acc, t } = make({ bufferMemory: 140_000 })
  const seal = (partition: number) => {
    const b = t.queue(partition).batches.shift()!
    t.queued--
    return { b, bytes: b.sealSync() }
  }
  assert.ok(acc.append(t, 0, 0, null, Buffer.alloc(60_000, 1), undefined, cb, 0))
  assert.ok(acc.append(t, 1, 0, null, Buffer.alloc(60_000, 2), undefined, cb, 0))
  const first = seal(0)
  const second = seal(1)
  // No room for a third: it waits.
  assert.equal(acc.append(t, 0, 0, null, Buffer.alloc(60_000, 3), undefined, cb, 0), false)
  first.b.complete(0n, -1)
  acc.release(first.b, 0)
  // The freed buffer was kept (before, a full buffer.memory dropped it: one new buffer per large record).
  assert.equal(acc.idleBytes, first.bytes.buffer.byteLength)
  assert.ok(acc.memoryUsed + acc.idleBytes <= 140_000, 'reserved + free stay within buffer.memory')
  assert.ok(acc.append(t, 0, 0, null, Buffer.alloc(60_000, 4), undefined, cb, 0))
  assert.equal(seal(0).bytes.buffer, first.bytes.buffer, 'the next large record is written into it')
  assert.ok(acc.memoryUsed + acc.idleBytes <= 140_000)
  second.b.complete(1n, -1)
  acc.release(second.b, 0)
  results.length = 0
})

test('out of memory: sends wait in order, go ahead as memory is released, and time out at their deadline', () => {
  const { acc, t } = make({ bufferMemory: 2000 })
  acc.append(t, 0, 0, null, Buffer.alloc(900), undefined, cb, 0)
  acc.append(t, 1, 0, null, Buffer.alloc(900), undefined, cb, 0)
  assert.equal(acc.memoryUsed, 2000)
  assert.equal(acc.append(t, 2, 0, null, value, undefined, cb, 0), false, 'no memory for a third batch')
  const order: string[] = []
  const waiter = (name: string) => (e: KafkaError | null) => order.push(`${name}:${e ? e.type : 'ok'}`)
  acc.enqueue(t, 2, 0, null, value, undefined, waiter('a'), 50)
  acc.enqueue(t, 0, 0, null, value, undefined, waiter('b'), 60)
  assert.equal(acc.waitingCount, 2)
  // While anyone waits, even a record that would fit an open batch must queue (order).
  assert.equal(acc.append(t, 0, 0, null, Buffer.alloc(1), undefined, cb, 0), false)
  const r = ready(acc, 0)
  assert.ok(r.nodes.has(1), 'everything is sendable while memory is short')
  // Memory comes back: the first waiter goes in; the second needs a batch too and keeps waiting.
  const b0 = t.queue(0).batches.shift()!
  t.queued--
  b0.complete(0n, -1)
  acc.release(b0, 10)
  assert.equal(acc.waitingCount, 1)
  assert.equal(t.queue(2).batches.length, 1, 'a went in')
  assert.deepEqual(order, [])
  // Past its deadline the waiter fails with a TimeoutError (BUFFER_EXHAUSTED), not before.
  acc.serveWaiting(59)
  assert.equal(acc.waitingCount, 1)
  acc.serveWaiting(60)
  assert.equal(acc.waitingCount, 0)
  assert.deepEqual(order, ['b:BUFFER_EXHAUSTED'])
  // A waiter for an open batch with room goes in as soon as it is first in line.
  acc.enqueue(t, 2, 0, null, Buffer.alloc(10), undefined, waiter('c'), 70)
  acc.serveWaiting(61)
  assert.equal(acc.waitingCount, 0)
  assert.equal(t.queue(2).batches[0]!.recordCount, 2)
  acc.close()
})

test('ready: a batch is sendable when full, after linger.ms, when flushing; leaderless partitions are reported', () => {
  const { acc, t } = make()
  acc.append(t, 0, 0, null, value, undefined, cb, 100)
  let r = ready(acc, 105)
  assert.equal(r.nodes.size, 0, 'lingering')
  assert.equal(r.nextDelayMs, 5)
  r = ready(acc, 110)
  assert.deepEqual([...r.nodes], [1], 'linger.ms is up')
  acc.append(t, 2, 0, null, value, undefined, cb, 110)
  r = ready(acc, 111)
  assert.deepEqual([...r.nodes], [1])
  acc.beginFlush()
  r = ready(acc, 111)
  assert.deepEqual([...r.nodes].sort(), [1, 2], 'flush makes everything sendable')
  acc.endFlush()
  acc.append(t, 3, 0, null, value, undefined, cb, 111)
  r = ready(acc, 200)
  assert.equal(r.unknownLeader, true)
  assert.deepEqual(r.queuesByNode.get(1)!.map((q) => q.partition), [0])
})

test('drain: one batch per partition, up to max.request.size, rotating the starting partition', () => {
  const { acc, t } = make({ lingerMs: 0 })
  for (let i = 0; i < 20; i++) {
    acc.append(t, 0, 0, null, value, undefined, cb, 0)
    acc.append(t, 1, 0, null, value, undefined, cb, 0)
  }
  const r = ready(acc, 0)
  const queues = r.queuesByNode.get(1)!
  const first = acc.drain(1, queues, 100000, 0, () => false, () => {})
  assert.deepEqual(first.map((b) => b.partition), [0, 1], 'one batch from each partition')
  const small = acc.drain(1, queues, 500, 0, () => false, () => {})
  assert.equal(small.length, 1, 'a batch larger than the limit still goes alone')
  // As Java, a drain starts at the last partition the previous one looked at.
  assert.equal(small[0]!.partition, 1, 'the rotation continues where the last drain ended')
  const next = acc.drain(1, queues, 500, 0, () => false, () => {})
  assert.equal(next[0]!.partition, 0, 'the partition that did not fit comes first next time')
  const blocked = acc.drain(1, queues, 100000, 0, (q) => q.partition === 0, () => {})
  assert.deepEqual(blocked.map((b) => b.partition), [1], 'a blocked partition is skipped')
})

test('reenqueue: retried batches back off and keep sequence order', () => {
  const { acc, t } = make({ lingerMs: 0 })
  for (let i = 0; i < 3; i++) {
    acc.append(t, 0, 0, null, Buffer.alloc(900), undefined, cb, 0)
  }
  const q = t.queue(0)
  const [a, b, c] = q.batches.splice(0)
  t.queued -= 3
  a!.baseSequence = 0
  b!.baseSequence = 1
  c!.baseSequence = 2
  acc.reenqueue(c!, 1000, true)
  acc.reenqueue(a!, 1000, true)
  acc.reenqueue(b!, 1000, true)
  assert.deepEqual(q.batches.map((x) => x.baseSequence), [0, 1, 2])
  assert.ok(a!.backoffMs >= 80 && a!.backoffMs <= 120, `backoff ${a!.backoffMs} ≈ retry.backoff.ms with jitter`)
  let r = ready(acc, 1010)
  assert.equal(r.nodes.size, 0, 'backing off')
  assert.equal(acc.drain(1, r.queuesByNode.get(1)!, 100000, 1010, () => false, () => {}).length, 0)
  r = ready(acc, 1200)
  assert.deepEqual([...r.nodes], [1])
})

test('expired: batches older than delivery.timeout.ms leave their deque', () => {
  const { acc, t } = make()
  acc.append(t, 0, 0, null, value, undefined, cb, 0)
  acc.append(t, 1, 0, null, value, undefined, cb, 3000)
  assert.equal(acc.expired(4999).length, 0)
  assert.equal(acc.nextExpiryDelay(4000), 1000)
  const gone = acc.expired(5000)
  assert.deepEqual(gone.map((b) => b.partition), [0])
  assert.equal(t.queue(0).batches.length, 0)
  assert.equal(t.queue(1).batches.length, 1)
})

test('adaptive partitioning feeds queue sizes to the sticky partitioner', () => {
  const snap = snapshot([1, 1, 1])
  const { acc, t } = make({ adaptivePartitioning: true, snapshot: () => snap })
  t.refresh(snap)
  for (const p of [0, 1, 2]) t.queue(p)
  for (let i = 0; i < 20; i++) acc.append(t, 0, 0, null, Buffer.alloc(900), undefined, cb, 0)
  ready(acc, 0)
  const counts = [0, 0, 0]
  for (let i = 0; i < 3000; i++) {
    t.sticky.onAppend(1 << 20, true, t.layout)
    counts[t.sticky.current(t.layout)]!++
  }
  assert.ok(counts[0]! < counts[1]! / 5 && counts[0]! < counts[2]! / 5, `the long queue is avoided: ${counts}`)
})
