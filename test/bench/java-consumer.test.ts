// The Java consumer driver's bookkeeping (bench/java/BenchConsumer.java prints
// one line of JSON; bench/clients/java/consumer-report.ts turns it into the
// report the harness reads), and the figures the harness derives from consumer
// reports: msgs/s from creating the consumer, CPU inside the window, spread.
// The benchmark itself is not run here.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { javaConsumerReport, parseJavaConsumer } from '../../bench/clients/java/consumer-report.js'
import { warmupOf } from '../../bench/clients/java/warmup.js'
import { ConsumeCounter, consumed, Meter } from '../../bench/lib/driver.js'
import { formatResults, spread, summarise, type CellRun } from '../../bench/lib/report.js'
import { verifyRun } from '../../bench/lib/verify.js'
import { SCENARIOS } from '../../bench/scenarios.js'

// 4,000 records: 1,000 of warm-up, then a window of 3,000 (the first window poll returned 200).
const line = {
  records: 4000, distinct: 4000, duplicates: 0, gaps: 0, warmupRecords: 1000, windowRecords: 3000, windowBytes: 3000 * 1024,
  windowNs: 1.5e9, windowCpuNs: 0.6e9, joinNs: 0.25e9, fromCreateNs: 2.5e9, fromCreateCpuNs: 2e9
}
const stdout = `some JVM warning\n${JSON.stringify(line)}\n`

test('parseJavaConsumer reads the last JSON line and refuses incomplete or empty results', () => {
  assert.deepEqual(parseJavaConsumer(stdout), line)
  assert.throws(() => parseJavaConsumer('Exception in thread "main"\n'), /no result line/)
  const { gaps: _gaps, ...noGaps } = line
  assert.throws(() => parseJavaConsumer(JSON.stringify(noGaps)), /has no gaps/)
  assert.throws(() => parseJavaConsumer(JSON.stringify({ ...line, windowRecords: 0 })), /timed no records/)
})

test('javaConsumerReport: the window after the warm-up, CPU as the Node consumers count it, all N records verified', () => {
  const r = javaConsumerReport(parseJavaConsumer(stdout), 250, 3_100_000)
  assert.equal(r.records, 3000)
  assert.equal(r.bytes, 3000 * 1024)
  assert.equal(r.elapsedMs, 1500)
  assert.equal(r.joinMs, 250)
  assert.equal(r.fromCreateMs, 2500)
  assert.equal(r.fromCreateRecords, 4000)
  assert.equal(r.warmupRecords, 1000)
  // 2 s of JVM CPU from creating the consumer over 4,000 records = 500 µs each, charged to the 3,000 timed ones
  assert.equal(r.cpuUs / r.records, 500)
  assert.equal(r.windowCpuUs, 600_000)
  assert.equal(r.rssMb, 250)
  assert.match(r.note!, /1000 warm-up records/)
  assert.match(r.note!, /3\.10 s/)
  // verification counts the warm-up share: N distinct, no gaps
  assert.equal(verifyRun('consumer', r, 4000), '')
  const gappy = javaConsumerReport({ ...line, distinct: 3990, gaps: 10 }, 250, 0)
  assert.match(verifyRun('consumer', gappy, 4000), /3990 distinct of 4000 records, 0 duplicates, 10 offsets skipped/)
})

test('warm-up share: a quarter of the count, none for a single record', () => {
  assert.equal(warmupOf(3_000_000), 750_000)
  assert.equal(warmupOf(50_001), 12_500)
  assert.equal(warmupOf(1), 0)
})

test('summarise: msgs/s from creating counts the warm-up share, window CPU per record, spread of the runs', () => {
  const java = (windowNs: number): CellRun['report'] => javaConsumerReport({ ...line, windowNs }, 250, 0)
  const runs: CellRun[] = [
    { scenario: 'consume-1KiB', client: 'java', round: 1, report: java(1.5e9) },
    { scenario: 'consume-1KiB', client: 'java', round: 2, report: java(3e9) },
    { scenario: 'consume-1KiB', client: 'java', round: 3, report: java(1e9) }
  ]
  const [cell] = summarise(runs, new Map(), ['consume-1KiB'], ['java'])
  assert.equal(cell!.msgsPerSec, 2000)
  assert.equal(cell!.msgsPerSecMin, 1000)
  assert.equal(cell!.msgsPerSecMax, 3000)
  assert.equal(cell!.msgsPerSecSpread, 3)
  assert.equal(cell!.fromCreateMsgsPerSec, 1600) // 4,000 records in 2.5 s
  assert.equal(cell!.cpuUsPerMsg, 500)
  assert.equal(cell!.windowCpuUsPerMsg, 200)
  assert.equal(cell!.raw.length, 3)
  assert.deepEqual(cell!.raw.map((r) => r.report?.elapsedMs), [1500, 3000, 1000])
  assert.equal(spread([5, 4, 8]), 2)
  const scenario = SCENARIOS.find((s) => s.name === 'consume-1KiB')!
  const text = formatResults({ broker: '4.4.0', node: 'v20', date: '2026-01-01T00:00:00Z', machine: 'm', mode: 'full', results: [cell!] }, [scenario])
  assert.match(text, /\| max\/min \| MB\/s \| CPU µs\/msg \| window CPU µs\/msg \| peak RSS MB \|/)
  assert.match(text, /\| 2,000 \| 1,000 – 3,000 \| 3\.00× \| 2\.0 \| 500\.00 \| 200\.00 \| 250 \|.* 250 \| 1,600 \| 3 \|/)
})

test('ConsumeCounter: the Node consumers\' window CPU runs from the first record to the N-th', () => {
  const c = new ConsumeCounter(10)
  c.see(0, 0)
  assert.equal(c.add(1, 1024), false)
  let spin = 0
  for (let i = 0; i < 2e6; i++) spin += Math.sqrt(i)
  assert.ok(spin > 0)
  for (let o = 1; o < 10; o++) c.see(0, o)
  assert.equal(c.add(9, 9 * 1024), true)
  const r = consumed(c, new Meter())
  assert.equal(r.distinct, 10)
  assert.ok(r.windowCpuUs! > 0, `window CPU ${r.windowCpuUs}`)
  assert.equal(r.windowCpuUs, c.lastCpu - c.firstCpu)
})
