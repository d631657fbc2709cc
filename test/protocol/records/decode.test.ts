import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RecordBatchBuilder } from '../../../src/protocol/records/batch.js'
import { readBatches, decodeRecords, parseRecords, decodeControlRecordKey } from '../../../src/protocol/records/decode.js'
import { crc32cJs } from '../../../src/protocol/records/crc32c.js'
import type { CompressionCodec } from '../../../src/protocol/records/compression/index.js'
import { ProtocolError } from '../../../src/errors.js'

async function batchOf(codec: CompressionCodec, values: string[], baseOffset = 0n): Promise<Buffer> {
  const builder = new RecordBatchBuilder({ capacity: 1024, compression: codec })
  values.forEach((v, i) => builder.tryAppend(1000 + i, Buffer.from(`k${i}`), Buffer.from(v)))
  const out = Buffer.from(await builder.build())
  out.writeBigInt64BE(baseOffset, 0) // the broker assigns offsets; baseOffset is outside the CRC
  return out
}

/** Recomputes a batch's CRC after a test edits it. */
function fixCrc(batch: Buffer): Buffer {
  batch.writeUInt32BE(crc32cJs(batch.subarray(21)), 17)
  return batch
}

test('several concatenated batches (mixed codecs) decode with their offsets', async () => {
  const data = Buffer.concat([
    await batchOf('none', ['a', 'b', 'c'], 100n),
    await batchOf('gzip', ['d'], 103n),
    await batchOf('snappy', ['e', 'f'], 104n),
    await batchOf('lz4', ['g'], 106n),
    await batchOf('zstd', ['h', 'i'], 107n),
  ])
  const batches = readBatches(data)
  assert.deepEqual(batches.map((b) => b.compression), ['none', 'gzip', 'snappy', 'lz4', 'zstd'])
  assert.deepEqual(batches.map((b) => b.nextOffset), [103n, 104n, 106n, 107n, 109n])
  const all = (await Promise.all(batches.map((b) => decodeRecords(b)))).flat()
  assert.deepEqual(all.map((r) => r.value!.toString()), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'])
  assert.deepEqual(all.map((r) => r.offset), [100n, 101n, 102n, 103n, 104n, 105n, 106n, 107n, 108n])
})

test('a truncated trailing batch is ignored at every cut point', async () => {
  const first = await batchOf('none', ['a', 'b'])
  const second = await batchOf('zstd', ['c', 'd'], 2n)
  const whole = Buffer.concat([first, second])
  for (let cut = first.length; cut < whole.length; cut++) {
    const batches = readBatches(whole.subarray(0, cut))
    assert.equal(batches.length, 1, `cut at ${cut}`)
    assert.deepEqual((await decodeRecords(batches[0]!)).map((r) => r.value!.toString()), ['a', 'b'])
  }
  assert.equal(readBatches(whole).length, 2)
  // A partial first batch gives no batches (the consumer's "fetch size too small" signal), not an error.
  assert.deepEqual(readBatches(first.subarray(0, 40)), [])
  assert.deepEqual(readBatches(Buffer.alloc(0)), [])
})

test('keys and values are views into the fetched bytes, not copies', async () => {
  const data = await batchOf('none', ['hello'])
  const [record] = await decodeRecords(readBatches(data)[0]!)
  assert.equal(record!.value!.buffer, data.buffer)
  assert.equal(record!.key!.buffer, data.buffer)
})

test('offsets beyond 2^53 are exact', async () => {
  const base = 2n ** 62n
  const data = await batchOf('none', ['a', 'b', 'c'], base)
  const records = await decodeRecords(readBatches(data)[0]!)
  assert.deepEqual(records.map((r) => r.offset), [base, base + 1n, base + 2n])
})

test('a CRC mismatch is a ProtocolError naming the batch offset; checkCrc: false skips the check', async () => {
  const data = await batchOf('none', ['value'], 4242n)
  data[data.length - 2] ^= 0xff
  assert.throws(() => readBatches(data), (err: unknown) => {
    assert.ok(err instanceof ProtocolError)
    assert.equal(err.type, 'CORRUPT_MESSAGE')
    assert.match(err.message, /offset 4242/)
    return true
  })
  assert.equal(readBatches(data, { checkCrc: false }).length, 1)
})

test('an impossible record count is a ProtocolError (uncompressed and compressed)', async () => {
  const plain = await batchOf('none', ['a'])
  plain.writeInt32BE(0x7fffffff, 57)
  assert.throws(() => readBatches(fixCrc(plain)), /claims 2147483647 records/)
  const negative = await batchOf('none', ['a'])
  negative.writeInt32BE(-5, 57)
  assert.throws(() => readBatches(fixCrc(negative)), ProtocolError)

  const packed = await batchOf('gzip', ['a'])
  packed.writeInt32BE(1_000_000_000, 57)
  const [batch] = readBatches(fixCrc(packed))
  await assert.rejects(decodeRecords(batch!), /claims 1000000000 records/)
  const fewer = await batchOf('lz4', ['a', 'b', 'c'])
  fewer.writeInt32BE(2, 57)
  await assert.rejects(decodeRecords(readBatches(fixCrc(fewer))[0]!), /bytes after its 2 records/)
  const more = await batchOf('none', ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'])
  more.writeInt32BE(2, 57)
  await assert.rejects(decodeRecords(readBatches(fixCrc(more))[0]!), ProtocolError)
})

test('malformed records are ProtocolErrors, never reads past their bounds', async () => {
  // Value length claims more than the record holds.
  const data = await batchOf('none', ['abc'])
  // Record: length, attributes, tsDelta, offsetDelta, key len (k0 → 04) 'k0', value len (06) 'abc', headers
  const valueLenAt = 61 + 1 + 1 + 1 + 1 + 1 + 2
  assert.equal(data[valueLenAt], 6)
  data[valueLenAt] = 40
  await assert.rejects(decodeRecords(readBatches(fixCrc(data))[0]!), /runs past the end of its record/)
  // Record length larger than the section.
  const long = await batchOf('none', ['abc'])
  long[61] = 0x7e
  await assert.rejects(decodeRecords(readBatches(fixCrc(long))[0]!), /record length/)
  // A header count that cannot fit.
  const headers = await batchOf('none', ['abc'])
  headers[headers.length - 1] = 0x7e
  await assert.rejects(decodeRecords(readBatches(fixCrc(headers))[0]!), /impossible header count/)
  // A batch length smaller than the header.
  const short = Buffer.alloc(40)
  short.writeInt32BE(28, 8)
  short[16] = 2
  assert.throws(() => readBatches(short), /less than the 61-byte header/)
})

test('legacy message sets (magic 0 and 1) fail with a clear ProtocolError', () => {
  for (const magic of [0, 1]) {
    // offset int64, message size int32, then crc int32, magic int8, attributes int8, [timestamp int64], key, value
    const message = Buffer.alloc(4 + 1 + 1 + (magic === 1 ? 8 : 0) + 4 + 4 + 5)
    message[4] = magic
    let o = 6 + (magic === 1 ? 8 : 0)
    o = message.writeInt32BE(-1, o)
    o = message.writeInt32BE(5, o)
    message.write('hello', o)
    const set = Buffer.alloc(12 + message.length)
    set.writeBigInt64BE(7n, 0)
    set.writeInt32BE(message.length, 8)
    message.copy(set, 12)
    assert.throws(() => readBatches(set), (err: unknown) => {
      assert.ok(err instanceof ProtocolError)
      assert.equal(err.type, 'UNSUPPORTED_MESSAGE_FORMAT')
      assert.match(err.message, new RegExp(`legacy message format \\(magic v${magic}\\)`))
      assert.match(err.message, /offset 7/)
      return true
    })
  }
  const future = Buffer.alloc(70)
  future.writeInt32BE(58, 8)
  future[16] = 3
  assert.throws(() => readBatches(future), /unknown magic 3/)
})

test('LogAppendTime batches give every record the batch maxTimestamp', async () => {
  const builder = new RecordBatchBuilder({ capacity: 1000 })
  builder.tryAppend(10, null, Buffer.from('a'))
  builder.tryAppend(20, null, Buffer.from('b'))
  const data = Buffer.from(await builder.build())
  data.writeInt16BE(data.readInt16BE(21) | 0x08, 21)
  data.writeBigInt64BE(99999n, 35) // the broker's append time
  const [batch] = readBatches(fixCrc(data))
  assert.equal(batch!.timestampType, 'LogAppendTime')
  assert.deepEqual((await decodeRecords(batch!)).map((r) => r.timestamp), [99999, 99999])
})

test('an empty batch (all records compacted away) decodes to no records and keeps nextOffset', async () => {
  const data = await batchOf('none', ['a', 'b', 'c'], 50n)
  const empty = Buffer.from(data.subarray(0, 61))
  empty.writeInt32BE(49, 8)
  empty.writeInt32BE(0, 57)
  const [batch] = readBatches(fixCrc(empty))
  assert.equal(batch!.recordCount, 0)
  assert.equal(batch!.nextOffset, 53n)
  assert.deepEqual(await decodeRecords(batch!), [])
  const zstdEmpty = Buffer.from(empty)
  zstdEmpty.writeInt16BE(4, 21)
  assert.deepEqual(await decodeRecords(readBatches(fixCrc(zstdEmpty))[0]!), [])
})

test('parseRecords decodes an uncompressed section synchronously', async () => {
  const [batch] = readBatches(await batchOf('none', ['x', 'y']))
  assert.deepEqual(parseRecords(batch!, batch!.records).map((r) => r.value!.toString()), ['x', 'y'])
})

test('decompressed size limits apply to record decoding', async () => {
  const builder = new RecordBatchBuilder({ capacity: 1 << 20, compression: 'gzip' })
  builder.tryAppend(0, null, Buffer.alloc(500_000))
  const [batch] = readBatches(await builder.build())
  await assert.rejects(decodeRecords(batch!, { maxDecompressedBytes: 100_000 }), /more than the limit/)
  assert.equal((await decodeRecords(batch!))[0]!.value!.length, 500_000)
})

test('control record keys: too short is a ProtocolError', () => {
  assert.throws(() => decodeControlRecordKey(null), ProtocolError)
  assert.throws(() => decodeControlRecordKey(Buffer.alloc(3)), ProtocolError)
  assert.deepEqual(decodeControlRecordKey(Buffer.from([0, 0, 0, 0])), { version: 0, type: 0 })
})

test('fuzz: corrupted batches throw only ProtocolError', async () => {
  const sources = await Promise.all((['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const).map(async (codec) => {
    const builder = new RecordBatchBuilder({ capacity: 4096, compression: codec })
    for (let i = 0; i < 20; i++) builder.tryAppend(i, Buffer.from(`key${i}`), Buffer.from(`value ${i}`.repeat(i)), [{ key: 'h', value: Buffer.from([i]) }])
    return builder.build()
  }))
  let seed = 12345
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return seed % n
  }
  for (let round = 0; round < 3000; round++) {
    const data = Buffer.from(sources[round % sources.length]!)
    const flips = 1 + rand(4)
    for (let f = 0; f < flips; f++) data[rand(data.length)] = rand(256)
    try {
      for (const batch of readBatches(data, { checkCrc: false })) await decodeRecords(batch, { maxDecompressedBytes: 1 << 20 })
    } catch (err) {
      assert.ok(err instanceof ProtocolError, `round ${round}: ${String(err)}`)
    }
  }
})
