/**
 * Interop with the Java client's own record code: samsa's batches are read by
 * kafka-clients' MemoryRecords (CRC check, decompression with lz4-java,
 * snappy-java and zstd-jni, record parsing), and batches Java's
 * MemoryRecordsBuilder writes are decoded by samsa, for every codec.
 *
 * Needs `java` (17+) and the Kafka jars that `npm run kafka -- fetch` puts in
 * .kafka/libs/<version>/; skipped when either is missing.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { RecordBatchBuilder, type RecordHeader } from '../../../src/protocol/records/batch.js'
import { readBatches, decodeRecords } from '../../../src/protocol/records/decode.js'
import type { CompressionCodec } from '../../../src/protocol/records/compression/index.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const REPO = path.resolve(HERE, '../../..')
const LIBS = path.join(REPO, '.kafka', 'libs')
const JAVA_SOURCE = path.join(HERE, 'java-interop', 'RecordsInterop.java')
const CODECS: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']
const COUNT = 300

function javaAvailable(): boolean {
  return spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0
}

// RecordsInterop.java uses the `Compression` builder API of kafka-clients 3.8
// and later; older releases in .kafka/libs (the compatibility brokers) are
// left out (their record batch format is the same v2).
function atLeast38(version: string): boolean {
  const [major, minor] = version.split('.').map(Number)
  return major > 3 || (major === 3 && minor >= 8)
}

function kafkaVersions(): string[] {
  if (!existsSync(LIBS)) return []
  return readdirSync(LIBS).filter((v) => atLeast38(v) && existsSync(path.join(LIBS, v, `kafka-clients-${v}.jar`))).sort()
}

// The deterministic records RecordsInterop.java generates too.
function timestamp(i: number): number {
  return 1_700_000_000_000 + i * 7
}
function key(i: number): Buffer | null {
  return i % 5 === 0 ? null : Buffer.from(`key-${i}`)
}
function value(i: number): Buffer | null {
  if (i % 9 === 4) return null
  let s = ''
  for (let k = 0; k <= i % 13; k++) s += `value ${i} is here; `
  return Buffer.from(s.repeat(1 + (i % 4) * 10))
}
function headers(i: number): RecordHeader[] {
  const list: RecordHeader[] = []
  for (let j = 0; j < i % 3; j++) list.push({ key: `h${j}-ключ`, value: j === 1 ? null : Buffer.from(`v${i}.${j}`) })
  return list
}

const hex = (b: Buffer | null) => b === null ? 'null' : `x${b.toString('hex')}`

function expectedRecordLine(i: number, offset: bigint): string {
  const h = headers(i).map((header) => `${hex(Buffer.from(header.key))}=${hex(header.value)}`).join(',')
  return ['record', offset, timestamp(i), hex(key(i)), hex(value(i)), h].join('\t')
}

const versions = kafkaVersions()
const skip = !javaAvailable() ? 'java is not installed' : versions.length === 0 ? 'no Kafka jars in .kafka/libs (npm run kafka -- fetch)' : false

test('samsa and the Java client read each other\'s record batches', { skip }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'samsa-interop-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const baseOffset = 1000n
  for (const codec of CODECS) {
    const builder = new RecordBatchBuilder({ capacity: 1 << 20, compression: codec })
    for (let i = 0; i < COUNT; i++) assert.ok(builder.tryAppend(timestamp(i), key(i), value(i), headers(i)))
    const batch = Buffer.from(await builder.build({ producerId: 1234n, producerEpoch: 5, baseSequence: 42, isTransactional: true }))
    batch.writeBigInt64BE(baseOffset, 0)
    writeFileSync(path.join(dir, `samsa-${codec}.bin`), batch)
  }

  for (const version of versions) {
    await t.test(`kafka-clients ${version}`, async () => {
      const jars = readdirSync(path.join(LIBS, version)).filter((f) => f.endsWith('.jar')).map((f) => path.join(LIBS, version, f))
      let source = readFileSync(JAVA_SOURCE, 'utf8')
      // Zip entry names are stored uncompressed, so the jar's bytes tell where the classes live.
      const clientsJar = readFileSync(path.join(LIBS, version, `kafka-clients-${version}.jar`))
      if (clientsJar.includes('org/apache/kafka/common/record/internal/MemoryRecords.class')) {
        source = source.replaceAll('/*internal*/', '.internal')
      }
      const srcDir = mkdtempSync(path.join(tmpdir(), 'samsa-interop-src-'))
      t.after(() => rmSync(srcDir, { recursive: true, force: true }))
      writeFileSync(path.join(srcDir, 'RecordsInterop.java'), source)
      for (const codec of CODECS) rmSync(path.join(dir, `java-${codec}.bin`), { force: true })
      const run = spawnSync('java', ['-cp', jars.join(path.delimiter), path.join(srcDir, 'RecordsInterop.java'), dir],
        { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
      assert.equal(run.status, 0, `java failed:\n${run.stderr}`)

      // 1. Java read samsa's batches.
      const lines = run.stdout.trim().split('\n')
      const expected: string[] = []
      for (const codec of [...CODECS].sort()) {
        expected.push(['batch', `samsa-${codec}.bin`, codec, baseOffset, baseOffset + BigInt(COUNT - 1), 1234, 5, 42, true,
          timestamp(COUNT - 1), COUNT].join('\t'))
        for (let i = 0; i < COUNT; i++) expected.push(expectedRecordLine(i, baseOffset + BigInt(i)))
      }
      assert.equal(lines.length, expected.length)
      for (let n = 0; n < lines.length; n++) assert.equal(lines[n], expected[n], `line ${n}`)

      // 2. samsa reads Java's batches.
      for (const codec of CODECS) {
        const data = readFileSync(path.join(dir, `java-${codec}.bin`))
        const batches = readBatches(data)
        assert.equal(batches.length, 1, codec)
        const batch = batches[0]!
        assert.equal(batch.compression, codec)
        assert.equal(batch.recordCount, COUNT)
        assert.equal(batch.maxTimestamp, timestamp(COUNT - 1))
        const records = await decodeRecords(batch)
        records.forEach((r, i) => {
          assert.equal(r.offset, BigInt(i))
          assert.equal(r.timestamp, timestamp(i))
          assert.deepEqual(r.key, key(i))
          assert.deepEqual(r.value, value(i))
          assert.deepEqual(r.headers, headers(i))
        })
        // Re-encoding Java's records with samsa gives a batch Java's own bytes match, uncompressed.
        if (codec === 'none') {
          const builder = new RecordBatchBuilder({ capacity: data.length })
          for (const r of records) builder.tryAppend(r.timestamp, r.key, r.value, r.headers)
          assert.equal((await builder.build()).toString('hex'), data.toString('hex'))
        }
      }
    })
  }
})
