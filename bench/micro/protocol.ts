/**
 * Micro-benchmarks of the protocol hot paths outside the record batch codec
 * (bench/micro/records.ts has those): varints (the record-level helpers and
 * the Reader/Writer ones) and decoding a whole Fetch response, the way the
 * consumer sees one (frame decode, then readBatches + parseRecords per
 * partition). Inputs are generated before timing.
 *
 *     npx tsx bench/micro/protocol.ts [--quick]
 */
import { Reader } from '../../src/protocol/reader.js'
import { Writer } from '../../src/protocol/writer.js'
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '../../src/protocol/records/varint.js'
import { RecordBatchBuilder } from '../../src/protocol/records/batch.js'
import { parseRecords, readBatches } from '../../src/protocol/records/decode.js'
import { decodeFetchResponse, encodeFetchResponse } from '../../src/protocol/messages/fetch.js'
import { makePayloads } from '../lib/payload.js'

const quick = process.argv.includes('--quick')
const MIN_MS = quick ? 200 : 1000

function fmt (n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1)
}

/** Times `op` (warm-up first) and prints ops/s and, per op, `items` items and `bytes` bytes. */
function bench (name: string, items: number, bytes: number, op: () => unknown): void {
  const warmEnd = performance.now() + MIN_MS / 4
  while (performance.now() < warmEnd) op()
  let ops = 0
  const start = performance.now()
  let now = start
  while (now - start < MIN_MS) {
    for (let i = 0; i < 10; i++) op()
    ops += 10
    now = performance.now()
  }
  const s = (now - start) / 1000
  const perItem = (s * 1e9) / (ops * items)
  console.log(`${name.padEnd(52)} ${fmt(ops / s).padStart(12)} ops/s  ${perItem.toFixed(1).padStart(7)} ns/item  ${((ops * bytes) / s / 1e6).toFixed(0).padStart(6)} MB/s`)
}

console.log(`node ${process.version}`)

// ------------------------------------------------------------------ varints
console.log('\n-- varints: 4096 values per op (record-sized: small deltas, lengths, timestamps deltas) --')
{
  const N = 4096
  const small = Int32Array.from({ length: N }, (_, i) => (i % 200) - 100) // offset/timestamp deltas
  const lengths = Int32Array.from({ length: N }, (_, i) => 100 + (i * 37) % 2000) // key/value lengths
  const longs = Float64Array.from({ length: N }, (_, i) => i * 1_000_003) // larger varlongs
  const buf = Buffer.alloc(N * 10)
  const bytesOf = (vals: ArrayLike<number>, size: (v: number) => number): number => { let n = 0; for (let i = 0; i < vals.length; i++) n += size(vals[i]!); return n }

  bench('writeVarint small deltas', N, bytesOf(small, sizeOfVarint), () => { let o = 0; for (let i = 0; i < N; i++) o = writeVarint(buf, o, small[i]!); return o })
  bench('writeVarint lengths', N, bytesOf(lengths, sizeOfVarint), () => { let o = 0; for (let i = 0; i < N; i++) o = writeVarint(buf, o, lengths[i]!); return o })
  bench('writeVarlong', N, bytesOf(longs, sizeOfVarlong), () => { let o = 0; for (let i = 0; i < N; i++) o = writeVarlong(buf, o, longs[i]!); return o })
  bench('sizeOfVarint lengths', N, 0, () => bytesOf(lengths, sizeOfVarint))

  const w = new Writer(N * 10)
  bench('Writer.varint lengths', N, bytesOf(lengths, sizeOfVarint), () => { w.reset(); for (let i = 0; i < N; i++) w.varint(lengths[i]!); return w.offset })
  w.reset()
  for (let i = 0; i < N; i++) w.varint(lengths[i]!)
  const encoded = Buffer.from(w.finish())
  bench('Reader.varint lengths', N, encoded.length, () => { const r = new Reader(encoded); let s = 0; for (let i = 0; i < N; i++) s += r.varint(); return s })
  w.reset()
  for (let i = 0; i < N; i++) w.varlong(BigInt(longs[i]!))
  const encodedLong = Buffer.from(w.finish())
  bench('Reader.varlong (bigint)', N, encodedLong.length, () => { const r = new Reader(encodedLong); let s = 0n; for (let i = 0; i < N; i++) s += r.varlong(); return s })
}

// ------------------------------------------------------------------ fetch decode
console.log('\n-- Fetch response decode: 6 partitions × 1 MiB of 64 KiB batches of 1 KiB records (v17 frame) --')
{
  const values = makePayloads(1024)
  let recordsTotal = 0
  const partitionRecords: Buffer[] = []
  for (let p = 0; p < 6; p++) {
    const parts: Buffer[] = []
    let size = 0
    let base = 0n
    while (size < 1024 * 1024) {
      const builder = new RecordBatchBuilder({ capacity: 64 * 1024 })
      let n = 0
      while (builder.tryAppend(1_700_000_000_000 + n, null, values[(n + p) % values.length]!)) n++
      const batch = await builder.build({ producerId: -1n, producerEpoch: -1, baseSequence: -1 })
      batch.writeBigInt64BE(base, 0) // baseOffset
      base += BigInt(n)
      parts.push(batch)
      size += batch.length
      recordsTotal += n
    }
    partitionRecords.push(Buffer.concat(parts))
  }
  const w = new Writer(8 * 1024 * 1024)
  encodeFetchResponse(w, {
    sessionId: 1,
    responses: [{
      topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
      partitions: partitionRecords.map((records, partitionIndex) => ({ partitionIndex, highWatermark: 1n << 40n, records }))
    }]
  }, 17)
  const frame = Buffer.from(w.finish())
  bench(`decodeFetchResponse (frame only, ${(frame.length / 1e6).toFixed(1)} MB)`, recordsTotal, frame.length, () => decodeFetchResponse(new Reader(frame), 17))
  const views = partitionRecords.map((b) => Buffer.from(b))
  bench(`readBatches (headers + CRC) of the 6 partitions`, recordsTotal, frame.length, () => {
    let n = 0
    for (const v of views) n += readBatches(v).length
    return n
  })
  const batches = views.flatMap((v) => readBatches(v))
  bench(`parseRecords of the ${batches.length} batches`, recordsTotal, frame.length, () => {
    let n = 0
    for (const b of batches) n += parseRecords(b, b.records).length
    return n
  })
  bench(`all: frame + readBatches + parseRecords (${recordsTotal} rec)`, recordsTotal, frame.length, () => {
    const res = decodeFetchResponse(new Reader(frame), 17)
    let n = 0
    for (const t of res.responses) {
      for (const p of t.partitions) {
        if (!p.records) continue
        for (const b of readBatches(Buffer.from(p.records.buffer, p.records.byteOffset, p.records.byteLength))) n += parseRecords(b, b.records).length
      }
    }
    return n
  })
}
