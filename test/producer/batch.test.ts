import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Accumulator } from '../../src/producer/accumulator.js'
import { ProducerBatch, RecordSlots } from '../../src/producer/batch.js'
import type { Snapshot } from '../../src/cluster/metadata.js'
import { recordsBufferSize } from '../../src/protocol/records/batch.js'
import { readBatches, decodeRecords } from '../../src/protocol/records/decode.js'
import type { CompressionCodec } from '../../src/protocol/records/compression/index.js'
import { KafkaError } from '../../src/errors.js'
import type { RecordMetadata } from '../../src/producer/types.js'

const snap: Snapshot = { clusterId: 'c', controllerId: 1, brokers: new Map(), topics: new Map(), updatedAt: 1 }

function queue() {
  const acc = new Accumulator({
    batchSize: 4096, lingerMs: 0, deliveryTimeoutMs: 5000, bufferMemory: 1 << 20, maxBlockMs: 100,
    retryBackoff: { backoffMs: 100, backoffMaxMs: 1000 }, compression: 'lz4', compressionLevel: undefined,
    adaptivePartitioning: false, availabilityTimeoutMs: 0, snapshot: () => snap,
  })
  return acc.topic('t', 0).queue(0)
}

/** A compressed batch wired to a pool that records what it is given back. */
function pooledBatch(compression: CompressionCodec, output: Buffer | undefined) {
  const given: Buffer[] = []
  const scratch = Buffer.alloc(recordsBufferSize(4096, compression, 0.5))
  const batch = new ProducerBatch(queue(), {
    capacity: 4096, compression, compressionLevel: undefined, compressionRatioEstimate: 0.5,
    buffer: scratch, recycle: (b) => given.push(b), take: () => output,
  }, 4096, 0)
  const values: Buffer[] = []
  for (let i = 0; i < 40; i++) {
    const value = Buffer.from(`{"n":${i},"text":"${'compressible '.repeat(10)}"}`)
    if (batch.tryAppend(1000 + i, null, value, undefined, () => {}) < 0) break
    values.push(value)
  }
  return { batch, scratch, given, values }
}

test('a compressed batch is sealed into the pooled buffer it takes; its records buffer goes back once compressed', async () => {
  const output = Buffer.alloc(4096)
  const { batch, scratch, given, values } = pooledBatch('lz4', output)
  const built = await batch.seal()
  assert.equal(built.buffer, output.buffer, 'the sealed batch is a view of the taken buffer')
  assert.deepEqual(given, [scratch], 'the records buffer is given back as soon as it is compressed')
  const [decoded] = readBatches(built)
  assert.deepEqual((await decodeRecords(decoded!)).map((r) => r.value), values)
  assert.equal(await batch.seal(), built, 'sealing again returns the same bytes')
  assert.ok(batch.complete(0n, -1))
  assert.deepEqual(given, [scratch, output], 'the sealed bytes\' buffer is given back when the batch is done')
})

test('a compressed batch done while its request is in flight keeps the sealed buffer from the pool (it may still be queued on the socket)', async () => {
  const output = Buffer.alloc(4096)
  const { batch, scratch, given } = pooledBatch('lz4', output)
  batch.inFlight = true
  await batch.seal()
  assert.ok(batch.fail(new KafkaError('expired')))
  assert.deepEqual(given, [scratch])
})

test('a pooled buffer too small for the sealed batch goes straight back; the batch gets a buffer of its own', async () => {
  for (const compression of ['lz4', 'zstd'] as CompressionCodec[]) {
    const small = Buffer.alloc(100)
    const { batch, scratch, given } = pooledBatch(compression, small)
    const built = await batch.seal()
    assert.notEqual(built.buffer, small.buffer)
    assert.deepEqual(new Set(given), new Set([scratch, small]), compression)
    assert.ok(batch.complete(0n, -1))
    assert.equal(given.length, 2, 'nothing else is given back')
  }
})

test('a compressed batch released before it is sealed gives its records buffer back', () => {
  const { batch, scratch, given } = pooledBatch('lz4', Buffer.alloc(4096))
  batch.abandon()
  assert.deepEqual(given, [scratch])
})

test('per-record slots are given back cleared when the batch is done, and a batch reusing them reports only its own records', () => {
  const slots = new RecordSlots()
  const returned: RecordSlots[] = []
  const make = () => new ProducerBatch(queue(), {
    capacity: 4096, compression: 'none', compressionLevel: undefined, compressionRatioEstimate: 1,
    slots, recycleSlots: (s) => returned.push(s),
  }, 4096, 0)
  const seen: RecordMetadata[] = []
  const first = make()
  for (let i = 0; i < 5; i++) first.tryAppend(1000 + i, Buffer.alloc(i), Buffer.alloc(10 + i), undefined, (_, m) => seen.push(m!))
  first.sealSync()
  assert.ok(first.complete(7n, -1))
  assert.deepEqual(seen.map((m) => [m.offset, m.timestamp, m.serializedKeySize, m.serializedValueSize]),
    [0, 1, 2, 3, 4].map((i) => [7n + BigInt(i), 1000 + i, i, 10 + i]))
  assert.deepEqual(returned, [slots], 'given back once')
  assert.deepEqual(slots.callbacks.slice(0, 5), [undefined, undefined, undefined, undefined, undefined], 'no callback kept alive')
  // Reused by a smaller batch: the stale slots past its records are not reported.
  seen.length = 0
  const errors: (KafkaError | null)[] = []
  const second = make()
  second.tryAppend(2000, null, Buffer.alloc(3), undefined, (e) => errors.push(e))
  second.tryAppend(2001, null, null, undefined, (e) => errors.push(e))
  assert.ok(second.fail(new KafkaError('boom')))
  assert.equal(errors.length, 2)
  assert.ok(!second.fail(new KafkaError('again')), 'done once')
  assert.equal(returned.length, 2)
  const third = make()
  third.tryAppend(3000, null, null, undefined, (_, m) => seen.push(m!))
  third.sealSync()
  third.complete(1n, -1)
  assert.deepEqual(seen.map((m) => [m.offset, m.timestamp, m.serializedKeySize, m.serializedValueSize]), [[1n, 3000, -1, -1]])
})
