/**
 * Micro-benchmarks of the record hot paths: batch encoding (per codec),
 * decoding (per codec) and CRC-32C. Inputs are generated before timing.
 *
 *     npx tsx bench/micro/records.ts [--quick]
 *
 * Prints ops/s, records/s and MB/s (of uncompressed record payload, or of
 * checksummed bytes for CRC).
 */
import { randomBytes } from 'node:crypto'
import { RecordBatchBuilder, type RecordHeader } from '../../src/protocol/records/batch.js'
import { readBatches, decodeRecords } from '../../src/protocol/records/decode.js'
import { crc32c, crc32cJs, crc32cImplementation } from '../../src/protocol/records/crc32c.js'
import type { CompressionCodec } from '../../src/protocol/records/compression/index.js'
import { compressLz4Behind } from '../../src/protocol/records/compression/lz4.js'

const quick = process.argv.includes('--quick')
const MIN_MS = quick ? 200 : 1000

interface Result { name: string, opsPerSec: number, recordsPerSec?: number, mbPerSec: number }

async function bench(name: string, bytesPerOp: number, recordsPerOp: number | undefined,
  op: () => unknown): Promise<Result> {
  // Warm up, then time whole rounds until MIN_MS has passed.
  const warmEnd = performance.now() + MIN_MS / 4
  while (performance.now() < warmEnd) await op()
  let ops = 0
  const start = performance.now()
  let now = start
  while (now - start < MIN_MS) {
    for (let i = 0; i < 10; i++) await op()
    ops += 10
    now = performance.now()
  }
  const seconds = (now - start) / 1000
  const result: Result = { name, opsPerSec: ops / seconds, mbPerSec: (ops * bytesPerOp) / seconds / 1e6 }
  if (recordsPerOp !== undefined) result.recordsPerSec = (ops * recordsPerOp) / seconds
  const records = result.recordsPerSec === undefined ? '' : `  ${fmt(result.recordsPerSec).padStart(12)} records/s`
  console.log(`${name.padEnd(44)} ${fmt(result.opsPerSec).padStart(10)} ops/s${records}  ${result.mbPerSec.toFixed(1).padStart(8)} MB/s`)
  return result
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1)
}

/** A JSON-ish 1 KiB value: compressible like real payloads, different per record. */
function makeValue(i: number): Buffer {
  const text = `{"id":${i},"user":"user-${i % 997}","event":"page_view","path":"/products/${i % 113}","ts":${1_700_000_000_000 + i},"payload":"`
  const b = Buffer.alloc(1024, 'abcdefghijklmnopqrstuvwxyz0123456789')
  b.write(text)
  randomBytes(64).copy(b, 512)
  return b
}

const N = 2000
const values = Array.from({ length: N }, (_, i) => makeValue(i))
const keys = Array.from({ length: N }, (_, i) => Buffer.from(`key-${i.toString().padStart(8, '0')}`))
const headers: RecordHeader[] = [{ key: 'trace-id', value: randomBytes(16) }, { key: 'content-type', value: Buffer.from('application/json') }]

const CODECS: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

async function fillBatch(codec: CompressionCodec, capacity: number, from: number): Promise<{ batch: Buffer, count: number, bytes: number }> {
  const builder = new RecordBatchBuilder({ capacity, compression: codec, compressionRatioEstimate: 1 })
  let i = 0
  let bytes = 0
  while (builder.tryAppend(1_700_000_000_000 + i, keys[(from + i) % N]!, values[(from + i) % N]!, headers)) {
    bytes += values[(from + i) % N]!.length
    i++
  }
  return { batch: await builder.build({ producerId: 1n, producerEpoch: 0, baseSequence: 0 }), count: i, bytes }
}

console.log(`node ${process.version}, crc32c ${crc32cImplementation}; values 1 KiB + 12-byte key + 2 headers`)

console.log('\n-- encode: fill a batch with 1 KiB records and build it --')
for (const capacity of [16 * 1024, 1024 * 1024]) {
  for (const codec of CODECS) {
    const { count, bytes } = await fillBatch(codec, capacity, 0)
    let from = 0
    await bench(`encode ${codec} batch.size=${capacity / 1024}KiB (${count} rec)`, bytes, count, async () => {
      await fillBatch(codec, capacity, from)
      from = (from + count) % N
    })
  }
}

console.log('\n-- encode: tryAppend only (no build), 1 KiB records, 1 MiB batch --')
{
  const builder = () => new RecordBatchBuilder({ capacity: 1024 * 1024 })
  let b = builder()
  let i = 0
  await bench('tryAppend 1 KiB record', 1024, 1, () => {
    if (!b.tryAppend(1_700_000_000_000 + i, keys[i % N]!, values[i % N]!, headers)) {
      b = builder()
      b.tryAppend(1_700_000_000_000 + i, keys[i % N]!, values[i % N]!, headers)
    }
    i++
  })
}

console.log('\n-- decode: readBatches + decodeRecords of one batch --')
for (const capacity of [16 * 1024, 1024 * 1024]) {
  for (const codec of CODECS) {
    const { batch, count, bytes } = await fillBatch(codec, capacity, 0)
    await bench(`decode ${codec} batch.size=${capacity / 1024}KiB (${count} rec)`, bytes, count, async () => {
      for (const b of readBatches(batch)) await decodeRecords(b)
    })
  }
}

console.log('\n-- small records: 100-byte values, no headers, 16 KiB batch, uncompressed --')
{
  const small = Array.from({ length: N }, (_, i) => values[i]!.subarray(0, 100))
  const fill = () => {
    const builder = new RecordBatchBuilder({ capacity: 16 * 1024 })
    let i = 0
    while (builder.tryAppend(1_700_000_000_000 + i, keys[i % N]!, small[i % N]!)) i++
    return { builder, count: i }
  }
  const { count } = fill()
  await bench(`encode 100 B records (${count} rec)`, count * 100, count, () => fill().builder.build())
  const built = await fill().builder.build()
  await bench(`decode 100 B records (${count} rec)`, count * 100, count, async () => {
    for (const b of readBatches(built)) await decodeRecords(b)
  })
}

console.log('\n-- decode: readBatches only (header parse + CRC) of a 1 MiB fetch of 16 KiB batches --')
{
  const parts: Buffer[] = []
  let total = 0
  let records = 0
  while (total < 1024 * 1024) {
    const { batch, count } = await fillBatch('none', 16 * 1024, records)
    parts.push(batch)
    total += batch.length
    records += count
  }
  const fetch = Buffer.concat(parts)
  await bench(`readBatches checkCrc (${parts.length} batches)`, fetch.length, records, () => readBatches(fetch))
  await bench(`readBatches no CRC (${parts.length} batches)`, fetch.length, records, () => readBatches(fetch, { checkCrc: false }))
}

console.log('\n-- lz4 batch payload: CPU µs per batch (every thread), median of interleaved rounds --')
{
  // "frame + copy" is what the producer did before: lz4-napi's frame encoder, then the frame copied
  // behind the 61-byte batch header in a new buffer. "assembled" is compressLz4Behind: lz4-napi's
  // block encoder per 64 KiB block, the frame laid out behind the header, into a reused buffer
  // (the producer's pooled batch.size buffer) or a new one.
  const lz4 = await import('lz4-napi')
  const rounds = quick ? 5 : 15
  const perOp = async (op: () => unknown, n: number): Promise<number> => {
    const before = process.cpuUsage()
    for (let i = 0; i < n; i++) await op()
    const used = process.cpuUsage(before)
    return (used.user + used.system) / n
  }
  const median = (a: number[]): number => a.sort((x, y) => x - y)[a.length >> 1]!
  const pooled = Buffer.allocUnsafe(256 * 1024)
  for (const size of [64 * 1024, 160 * 1024]) {
    const data = Buffer.concat(values.slice(0, Math.ceil(size / 1024))).subarray(0, size)
    const ways: Record<string, () => unknown> = {
      'frame + copy': async () => {
        const frame = size <= 64 * 1024 ? lz4.compressFrameSync(data) : await lz4.compressFrame(data)
        const out = Buffer.allocUnsafe(61 + frame.length)
        out.set(frame, 61)
      },
      'assembled, reused buffer': () => compressLz4Behind(data, 61, pooled),
      'assembled, new buffer': () => compressLz4Behind(data, 61),
    }
    const times: Record<string, number[]> = {}
    for (let round = 0; round < rounds; round++) {
      for (const [name, op] of Object.entries(ways)) (times[name] ??= []).push(await perOp(op, 50))
    }
    console.log(`${size / 1024} KiB: ` + Object.entries(times).map(([name, t]) => `${name} ${median(t).toFixed(1)} µs`).join(', '))
  }
}

console.log('\n-- crc32c --')
for (const size of [1024, 16 * 1024, 1024 * 1024]) {
  const data = randomBytes(size)
  await bench(`crc32c native ${size / 1024} KiB`, size, undefined, () => crc32c(data))
  await bench(`crc32c JS     ${size / 1024} KiB`, size, undefined, () => crc32cJs(data))
}
