import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  RecordBatchBuilder, restampProducerState, setPartitionLeaderEpoch, recordSizeInBytes,
  estimateSizeInBytesUpperBound, RECORD_BATCH_OVERHEAD, recordsBufferSize, type RecordHeader,
} from '../../../src/protocol/records/batch.js'
import { readBatches, decodeRecords, decodeControlRecordKey, decodeEndTransactionMarker } from '../../../src/protocol/records/decode.js'
import { crc32cJs } from '../../../src/protocol/records/crc32c.js'
import type { CompressionCodec } from '../../../src/protocol/records/compression/index.js'
import { KafkaError } from '../../../src/errors.js'

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex')

test('golden bytes: a two-record uncompressed batch, laid out by hand from the v2 spec', async () => {
  // record 0: timestamp base+0, key "a", value "bc", no headers
  //   body: attributes 00, tsDelta 00, offsetDelta 00, key len zigzag(1)=02 'a', value len 04 'bc', headers 00
  //   = 9 bytes, length zigzag(9) = 0x12
  const record0 = hex('12 00 00 00 02 61 04 6263 00')
  // record 1: timestamp base+5, key null, value "d", header h=v
  //   body: 00, tsDelta zigzag(5)=0a, offsetDelta zigzag(1)=02, key -1 → 01, value 02 'd',
  //   1 header → 02, key len 02 'h', value len 02 'v' = 11 bytes, length zigzag(11) = 0x16
  const record1 = hex('16 00 0a 02 01 02 64 02 02 68 02 76')
  const records = Buffer.concat([record0, record1])
  const afterCrc = Buffer.concat([
    hex('0000'), // attributes: no compression, CreateTime, not transactional, not control
    hex('00000001'), // lastOffsetDelta
    hex('0000018bcfe56800'), // baseTimestamp 1700000000000
    hex('0000018bcfe56805'), // maxTimestamp 1700000000005
    hex('000000000000002a'), // producerId 42
    hex('0003'), // producerEpoch
    hex('0000000a'), // baseSequence 10
    hex('00000002'), // record count
    records,
  ])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32cJs(afterCrc))
  const expected = Buffer.concat([
    hex('0000000000000000'), // baseOffset
    hex('00000047'), // batchLength = 49 + 22 = 71
    hex('ffffffff'), // partitionLeaderEpoch -1
    hex('02'), // magic
    crc,
    afterCrc,
  ])

  const builder = new RecordBatchBuilder({ capacity: 1024 })
  assert.equal(builder.tryAppend(1700000000000, Buffer.from('a'), Buffer.from('bc'), []), true)
  assert.equal(builder.tryAppend(1700000000005, null, Buffer.from('d'), [{ key: 'h', value: Buffer.from('v') }]), true)
  assert.equal(builder.sizeInBytes, expected.length)
  const built = await builder.build({ producerId: 42n, producerEpoch: 3, baseSequence: 10 })
  assert.equal(built.toString('hex'), expected.toString('hex'))
})

test('defaults: no producer id, epoch, sequence; leader epoch -1', async () => {
  const builder = new RecordBatchBuilder({ capacity: 100 })
  builder.tryAppend(1, null, null)
  const [batch] = readBatches(await builder.build())
  assert.equal(batch!.producerId, -1n)
  assert.equal(batch!.producerEpoch, -1)
  assert.equal(batch!.baseSequence, -1)
  assert.equal(batch!.partitionLeaderEpoch, -1)
  assert.equal(batch!.isTransactional, false)
  assert.equal(batch!.isControl, false)
  assert.equal(batch!.timestampType, 'CreateTime')
})

test('uncompressed build returns a view of the builder\'s single buffer (no copy)', async () => {
  const builder = new RecordBatchBuilder({ capacity: 4096 })
  builder.tryAppend(5, Buffer.from('k'), Buffer.alloc(100))
  const a = await builder.build()
  assert.equal(a.buffer.byteLength >= 4096, true)
  assert.equal(a.byteOffset, 0)
})

test('capacity: the first record is always accepted; later ones only while they fit', async () => {
  const big = new RecordBatchBuilder({ capacity: 100 })
  assert.equal(big.tryAppend(0, null, Buffer.alloc(1000)), true)
  assert.equal(big.isFull, true)
  assert.equal(big.tryAppend(0, null, Buffer.alloc(1)), false)
  assert.equal(big.recordCount, 1)
  assert.equal((await big.build()).length, big.sizeInBytes)

  const builder = new RecordBatchBuilder({ capacity: 1000 })
  let n = 0
  while (builder.tryAppend(n, null, Buffer.alloc(90, n))) n++
  // 61-byte header + records of 1 (length) + 1 + 1 + 1 + 1 + 2 + 90 + 1 = 98 bytes
  assert.equal(n, Math.floor((1000 - 61) / 98))
  assert.ok(builder.sizeInBytes <= 1000)
  assert.equal(builder.tryAppend(0, null, Buffer.alloc(0)), true, 'a smaller record may still fit')
  const built = await builder.build()
  assert.equal(built.length, builder.sizeInBytes)
  const records = await decodeRecords(readBatches(built)[0]!)
  assert.equal(records.length, n + 1)
})

test('recordSizeInBytes is exact and estimateSizeInBytesUpperBound bounds a one-record batch', async () => {
  const headers = [{ key: 'trace-id', value: Buffer.alloc(16) }, { key: 'ключ', value: null }]
  const key = Buffer.from('key')
  const value = Buffer.alloc(300)
  const builder = new RecordBatchBuilder({ capacity: 10, baseTimestamp: 0 })
  builder.tryAppend(2 ** 40, key, value, headers)
  const built = await builder.build()
  assert.equal(built.length, RECORD_BATCH_OVERHEAD + recordSizeInBytes(0, 2 ** 40, key, value, headers))
  assert.ok(estimateSizeInBytesUpperBound(key, value, headers) >= built.length)
})

test('builder lifecycle: build seals; empty and second builds throw KafkaError', async () => {
  const empty = new RecordBatchBuilder({ capacity: 100 })
  await assert.rejects(empty.build(), KafkaError)
  const builder = new RecordBatchBuilder({ capacity: 100 })
  builder.tryAppend(1, null, null)
  assert.equal(builder.isClosed, false)
  await builder.build()
  assert.equal(builder.isClosed, true)
  assert.equal(builder.isFull, true)
  assert.throws(() => builder.tryAppend(1, null, null), KafkaError)
  await assert.rejects(builder.build(), KafkaError)
  assert.throws(() => new RecordBatchBuilder({ capacity: 100, magic: 1 }), /magic 1 is not supported/)
  assert.throws(() => new RecordBatchBuilder({ capacity: 100 }).tryAppend(1.5, null, null), KafkaError)
})

test('timestamps: first record is the default base; an explicit base allows negative and > 32-bit deltas', async () => {
  const builder = new RecordBatchBuilder({ capacity: 1000, baseTimestamp: 1_700_000_000_000 })
  const stamps = [1_700_000_000_000, 1_699_999_999_000, 1_700_000_000_000 + 2 ** 35, 0, 1]
  for (const t of stamps) builder.tryAppend(t, null, null)
  assert.equal(builder.maxTimestamp, Math.max(...stamps))
  const [batch] = readBatches(await builder.build())
  assert.equal(batch!.baseTimestamp, 1_700_000_000_000)
  assert.equal(batch!.maxTimestamp, Math.max(...stamps))
  assert.deepEqual((await decodeRecords(batch!)).map((r) => r.timestamp), stamps)

  const implicit = new RecordBatchBuilder({ capacity: 1000 })
  implicit.tryAppend(500, null, null)
  implicit.tryAppend(400, null, null)
  assert.equal(implicit.baseTimestamp, 500)
  const [b2] = readBatches(await implicit.build())
  assert.equal(b2!.baseTimestamp, 500)
  assert.equal(b2!.maxTimestamp, 500)
  assert.deepEqual((await decodeRecords(b2!)).map((r) => r.timestamp), [500, 400])
})

const CODECS: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

interface Input { timestamp: number, key: Buffer | null, value: Buffer | null, headers: RecordHeader[] }

function makeInputs(n: number): Input[] {
  const inputs: Input[] = []
  for (let i = 0; i < n; i++) {
    const headers: RecordHeader[] = []
    for (let h = 0; h < i % 4; h++) headers.push({ key: `header-${h}`, value: h === 1 ? null : Buffer.from(`v${i}.${h}`) })
    if (i % 17 === 0) headers.push({ key: 'ünïcödé ключ 鍵 🔑', value: Buffer.alloc(0) })
    if (i % 23 === 0) headers.push({ key: 'a-header-key-that-is-longer-than-thirty-two-characters', value: Buffer.from('x') })
    if (i === 7) for (let h = 0; h < 40; h++) headers.push({ key: `many-${h}`, value: Buffer.from([h]) })
    inputs.push({
      timestamp: 1_700_000_000_000 + i * 3,
      key: i % 5 === 0 ? null : Buffer.from(`key-${i}`),
      value: i % 7 === 3 ? null : i % 11 === 0 ? Buffer.alloc(0) : Buffer.from(`value ${i} `.repeat(1 + (i % 50))),
      headers,
    })
  }
  return inputs
}

for (const codec of CODECS) {
  test(`round trip with ${codec}: headers, null and empty keys/values, many records`, async () => {
    const inputs = makeInputs(2000)
    const builder = new RecordBatchBuilder({ capacity: 1 << 20, compression: codec })
    for (const r of inputs) assert.equal(builder.tryAppend(r.timestamp, r.key, r.value, r.headers), true)
    const built = await builder.build({ producerId: 1234567890123n, producerEpoch: 7, baseSequence: 99, isTransactional: true })
    if (codec !== 'none') {
      assert.ok(built.length < builder.uncompressedRecordsSizeInBytes / 2, `${codec} compresses`)
      assert.ok(builder.compressionRatio! > 0 && builder.compressionRatio! < 0.5)
    }
    const batches = readBatches(built)
    assert.equal(batches.length, 1)
    const batch = batches[0]!
    assert.equal(batch.compression, codec)
    assert.equal(batch.attributes & 7, ['none', 'gzip', 'snappy', 'lz4', 'zstd'].indexOf(codec))
    assert.equal(batch.isTransactional, true)
    assert.equal(batch.recordCount, inputs.length)
    assert.equal(batch.lastOffsetDelta, inputs.length - 1)
    assert.equal(batch.nextOffset, BigInt(inputs.length))
    assert.equal(batch.producerId, 1234567890123n)
    assert.equal(batch.producerEpoch, 7)
    assert.equal(batch.baseSequence, 99)
    const records = await decodeRecords(batch)
    assert.equal(records.length, inputs.length)
    records.forEach((rec, i) => {
      const input = inputs[i]!
      assert.equal(rec.offset, BigInt(i))
      assert.equal(rec.timestamp, input.timestamp)
      assert.deepEqual(rec.key, input.key)
      assert.deepEqual(rec.value, input.value)
      assert.deepEqual(rec.headers, input.headers)
    })
  })
}

test('compressed builder: size estimate uses the ratio estimate, so more records fit', async () => {
  const plain = new RecordBatchBuilder({ capacity: 16384, compression: 'lz4' })
  const estimated = new RecordBatchBuilder({ capacity: 16384, compression: 'lz4', compressionRatioEstimate: 0.25 })
  let a = 0
  let b = 0
  const value = Buffer.alloc(500, 'x')
  while (plain.tryAppend(0, null, value)) a++
  while (estimated.tryAppend(0, null, value)) b++
  assert.ok(b > 3 * a, `${b} records vs ${a}`)
  assert.equal((await decodeRecords(readBatches(await estimated.build())[0]!)).length, b)
})

test('restampProducerState rewrites producer id, epoch and sequence and keeps the CRC valid', async () => {
  for (const codec of ['none', 'zstd'] as const) {
    const builder = new RecordBatchBuilder({ capacity: 1000, compression: codec })
    builder.tryAppend(10, Buffer.from('k'), Buffer.from('v'))
    builder.tryAppend(11, Buffer.from('k'), Buffer.from('w'))
    const built = await builder.build()
    restampProducerState(built, { producerId: 77n, producerEpoch: 2, baseSequence: 1000 })
    const [batch] = readBatches(built) // checks the CRC
    assert.equal(batch!.producerId, 77n)
    assert.equal(batch!.producerEpoch, 2)
    assert.equal(batch!.baseSequence, 1000)
    assert.equal((await decodeRecords(batch!))[1]!.value!.toString(), 'w')
    setPartitionLeaderEpoch(built, 12)
    assert.equal(readBatches(built)[0]!.partitionLeaderEpoch, 12)
  }
  assert.throws(() => restampProducerState(Buffer.alloc(10), { producerId: 1n, producerEpoch: 0, baseSequence: 0 }), KafkaError)
})

test('control batches: isControl sets the attribute; keys and markers decode', async () => {
  const builder = new RecordBatchBuilder({ capacity: 100 })
  builder.tryAppend(5, hex('0000 0001'), hex('0000 0000002a'))
  const [batch] = readBatches(await builder.build({ isControl: true, isTransactional: true, producerId: 9n, producerEpoch: 1 }))
  assert.equal(batch!.isControl, true)
  assert.equal(batch!.isTransactional, true)
  const [record] = await decodeRecords(batch!)
  assert.deepEqual(decodeControlRecordKey(record!.key), { version: 0, type: 1 })
  assert.deepEqual(decodeEndTransactionMarker(record!.value), { version: 0, coordinatorEpoch: 42 })
})

test('recordsBufferSize: capacity without compression; with it, the uncompressed bytes the estimate lets in, on a coarse scale, at most 4× up front', () => {
  assert.equal(recordsBufferSize(65536, 'none', 0.4), 65536)
  assert.equal(recordsBufferSize(10, 'none'), RECORD_BATCH_OVERHEAD)
  assert.equal(recordsBufferSize(65536, 'lz4', 1), 65536, 'an estimate of 1 (× 1.05) needs no more than the capacity')
  // 61 + (65536 - 61) / (0.4 × 1.05) ≈ 155,953 bytes → 160 KiB (1.25 × 128 KiB).
  assert.equal(recordsBufferSize(65536, 'lz4', 0.4), 160 * 1024)
  for (const ratio of [0.9, 0.7, 0.5, 0.3, 0.26]) {
    const size = recordsBufferSize(65536, 'zstd', ratio)
    const need = RECORD_BATCH_OVERHEAD + (65536 - RECORD_BATCH_OVERHEAD) / (ratio * 1.05)
    assert.ok(size >= need && size <= need * 1.25 + 1, `ratio ${ratio}: ${size} for ${need}`)
  }
  const capped = recordsBufferSize(65536, 'lz4', 0.01)
  assert.ok(capped >= RECORD_BATCH_OVERHEAD + 4 * (65536 - RECORD_BATCH_OVERHEAD) && capped <= 320 * 1024, `${capped}`)
})

test('compressed builder: a buffer of recordsBufferSize holds every record the estimate lets in, so it is written to the end and never regrown', async () => {
  for (const ratio of [1, 0.6, 0.4, 0.3]) {
    const pooled = Buffer.alloc(recordsBufferSize(16384, 'lz4', ratio))
    const b = new RecordBatchBuilder({ capacity: 16384, compression: 'lz4', compressionRatioEstimate: ratio, buffer: pooled })
    const values: Buffer[] = []
    for (let i = 0; ; i++) {
      const value = Buffer.from(`{"n":${i},"pad":"${'x'.repeat(150 + (i % 7) * 20)}"}`)
      if (!b.tryAppend(1000 + i, null, value)) break
      values.push(value)
    }
    const end = RECORD_BATCH_OVERHEAD + b.uncompressedRecordsSizeInBytes
    // The last record's value ends the records section: still in the pooled buffer, not in a copy.
    const last = values[values.length - 1]!
    assert.ok(pooled.subarray(end - 1 - last.length, end - 1).equals(last), `ratio ${ratio}: the last record is in the given buffer`)
    const [batch] = readBatches(await b.build())
    assert.deepEqual((await decodeRecords(batch!)).map((r) => r.value), values)
  }
})

test('compressed build writes into options.output when it has room: the batch is a view of it, header included', async () => {
  for (const codec of ['lz4', 'gzip', 'snappy', 'zstd'] as CompressionCodec[]) {
    const make = () => {
      const b = new RecordBatchBuilder({ capacity: 4096, compression: codec, compressionRatioEstimate: 0.5 })
      for (let i = 0; i < 20; i++) b.tryAppend(1000 + i, Buffer.from(`k${i}`), Buffer.from('compressible value '.repeat(8)))
      return b
    }
    const output = Buffer.alloc(4096, 0xee)
    const into = await make().build({ producerId: 7n, producerEpoch: 1, baseSequence: 3, output })
    assert.equal(into.buffer, output.buffer, codec)
    assert.equal(into.byteOffset, output.byteOffset, codec)
    assert.ok(into.length < output.length)
    const fresh = await make().build({ producerId: 7n, producerEpoch: 1, baseSequence: 3 })
    assert.ok(into.equals(fresh), `${codec}: the same bytes either way`)
    const small = Buffer.alloc(RECORD_BATCH_OVERHEAD + 8, 0xee)
    const elsewhere = await make().build({ producerId: 7n, producerEpoch: 1, baseSequence: 3, output: small })
    assert.notEqual(elsewhere.buffer, small.buffer, `${codec}: too small an output is not used`)
    assert.ok(small.equals(Buffer.alloc(RECORD_BATCH_OVERHEAD + 8, 0xee)), `${codec}: and not written to`)
    assert.ok(elsewhere.equals(fresh))
    const [batch] = readBatches(into)
    assert.equal(batch!.compression, codec)
    assert.equal((await decodeRecords(batch!)).length, 20)
  }
})
