// The Java producer driver's bookkeeping (bench/java/BenchProducer.java prints
// one line of JSON; bench/clients/java/producer-report.ts turns it into the
// report the harness reads) and the properties it is given. The benchmark
// itself is not run here.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { javaProducerProps } from '../../bench/clients/java/producer-props.js'
import { javaProducerReport, parseJavaProducer } from '../../bench/clients/java/producer-report.js'
import { verifyRun } from '../../bench/lib/verify.js'
import type { Job } from '../../bench/lib/job.js'

// 4,000 records timed after 1,000 of warm-up.
const line = { records: 4000, bytes: 4000 * 1024, warmupRecords: 1000, windowNs: 2e9, windowCpuNs: 1.2e9 }
const stdout = `SLF4J: a JVM warning\n${JSON.stringify(line)}\n`

test('parseJavaProducer reads the last JSON line and refuses incomplete or empty results', () => {
  assert.deepEqual(parseJavaProducer(stdout), line)
  assert.throws(() => parseJavaProducer('a send failed: TimeoutException\n'), /no result line/)
  const { windowCpuNs: _cpu, ...noCpu } = line
  assert.throws(() => parseJavaProducer(JSON.stringify(noCpu)), /has no windowCpuNs/)
  assert.throws(() => parseJavaProducer(JSON.stringify({ ...line, records: 0 })), /timed no records/)
})

test('javaProducerReport: the window after the warm-up, CPU inside it, verified against the broker with the warm-up records', () => {
  const r = javaProducerReport(parseJavaProducer(stdout), 300, 5_000_000)
  assert.equal(r.records, 4000)
  assert.equal(r.bytes, 4000 * 1024)
  assert.equal(r.elapsedMs, 2000)
  assert.equal(r.cpuUs, 1_200_000) // 300 µs per record: the window only, not the JVM's 5 s
  assert.equal(r.rssMb, 300)
  assert.equal(r.warmupRecords, 1000)
  assert.match(r.note ?? '', /1000 warm-up records/)
  assert.equal(verifyRun('producer', { ...r, cpuUs: r.cpuUs, rssMb: 300 }, 4000, 5000), '')
  assert.match(verifyRun('producer', { ...r, cpuUs: r.cpuUs, rssMb: 300 }, 4000, 4999), /./)
})

test('javaProducerProps: aligned settings, only acks in the defaults mode, buffer.memory always bounded', () => {
  const job = { acks: 1, lingerMs: 5, batchSize: 65536, compression: 'lz4', defaults: false } as Job
  const aligned = javaProducerProps(job)
  assert.ok(aligned.includes('acks=1') && aligned.includes('linger.ms=5') && aligned.includes('batch.size=65536') && aligned.includes('compression.type=lz4'))
  assert.ok(aligned.includes(`buffer.memory=${16 * 1024 * 1024}`))
  assert.deepEqual(javaProducerProps({ ...job, acks: -1, defaults: true }), ['acks=all', `buffer.memory=${16 * 1024 * 1024}`])
  const held = javaProducerProps({ ...job, bufferMemory: 32 * 1024 * 1024, maxMessageBytes: 2 * 1024 * 1024 })
  assert.ok(held.includes(`buffer.memory=${32 * 1024 * 1024}`) && held.includes('max.block.ms=600000') && held.includes(`max.request.size=${2 * 1024 * 1024}`))
})
