// The benchmark's bookkeeping (bench/lib): what `npm run bench --json` reports
// and the records every client is fed. The benchmark itself is not run here.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { median, summarise, formatResults, type CellRun } from '../../bench/lib/report.js'
import { makePayloads } from '../../bench/lib/payload.js'
import { percentile } from '../../bench/lib/driver.js'
import type { DriverReport } from '../../bench/lib/job.js'
import { SCENARIOS } from '../../bench/scenarios.js'
import { verifyRun } from '../../bench/lib/verify.js'

function report(records: number, elapsedMs: number, extra: Partial<DriverReport> = {}): DriverReport {
  return { records, bytes: records * 1024, elapsedMs, cpuUs: records * 2, rssMb: 100, ...extra }
}

test('median of odd and even counts', () => {
  assert.equal(median([5, 1, 3]), 3)
  assert.equal(median([4, 1, 3, 2]), 2.5)
})

test('percentile picks the nearest rank', () => {
  const sorted = Float64Array.from({ length: 1000 }, (_, i) => i + 1)
  assert.equal(percentile(sorted, 0.5), 500)
  assert.equal(percentile(sorted, 0.99), 990)
  assert.equal(percentile(sorted, 0.999), 999)
})

test('summarise: median msgs/s with min and max, medians of the rest, the --json contract fields', () => {
  const runs: CellRun[] = [
    { scenario: 's', client: 'samsa', round: 1, report: report(1000, 1000, { p50Ms: 1, p99Ms: 5 }) },
    { scenario: 's', client: 'samsa', round: 2, report: report(1000, 500, { p50Ms: 3, p99Ms: 9 }) },
    { scenario: 's', client: 'samsa', round: 3, report: report(1000, 250, { p50Ms: 2, p99Ms: 7 }) },
    { scenario: 's', client: 'kafkajs', round: 1, failed: 'exited with 1' },
  ]
  const cells = summarise(runs, new Map([['s/java', 'no such mode']]), ['s'], ['samsa', 'kafkajs', 'java'])
  const samsa = cells.find((c) => c.client === 'samsa')!
  for (const key of ['scenario', 'client', 'msgsPerSec', 'mbPerSec', 'cpuUsPerMsg', 'rssMb', 'p50Ms', 'p99Ms', 'runs']) {
    assert.ok(key in samsa, `result has ${key}`)
  }
  assert.equal(samsa.msgsPerSec, 2000)
  assert.equal(samsa.msgsPerSecMin, 1000)
  assert.equal(samsa.msgsPerSecMax, 4000)
  assert.equal(samsa.mbPerSec, 2)
  assert.equal(samsa.cpuUsPerMsg, 2)
  assert.equal(samsa.p50Ms, 2)
  assert.equal(samsa.p99Ms, 7)
  assert.equal(samsa.runs, 3)
  const kafkajs = cells.find((c) => c.client === 'kafkajs')!
  assert.equal(kafkajs.msgsPerSec, null)
  assert.equal(kafkajs.runs, 0)
  assert.equal(kafkajs.failedRuns, 1)
  assert.equal(cells.find((c) => c.client === 'java')!.unavailable, 'no such mode')
  const text = formatResults({ broker: '4.4.0', node: 'v20', date: '2026-01-01T00:00:00Z', machine: 'm', mode: 'quick', results: cells },
    [{ ...SCENARIOS[0]!, name: 's' }])
  assert.match(text, /\| samsa \| 2,000 \| 1,000 – 4,000 \|/)
  assert.match(text, /n\/a java: no such mode/)
})

test('payloads: deterministic, exact size, one line each (the Java tools read them from a file)', () => {
  for (const size of [100, 1024]) {
    const a = makePayloads(size)
    const b = makePayloads(size)
    assert.equal(a.length, 1024)
    assert.ok(a.every((v, i) => v.length === size && v.equals(b[i]!)))
    assert.ok(a.every((v) => !v.includes(0x0a) && !v.includes(0x0d)))
    assert.equal(new Set(a.map((v) => v.toString('latin1'))).size, 1024)
  }
})

test('verification binds: a producer run the broker holds fewer records of (warm-up included) fails, and so does its cell', () => {
  assert.equal(verifyRun('producer', report(1000, 100), 1000, 1000), '')
  assert.match(verifyRun('producer', report(1000, 100), 1000, 999), /holds only 999 of 1000/)
  assert.match(verifyRun('producer', report(1000, 100, { warmupRecords: 250 }), 1000, 1000), /holds only 1000 of 1250/)
  assert.equal(verifyRun('producer', report(1000, 100, { warmupRecords: 250 }), 1000, 1250), '')
  assert.match(verifyRun('producer', report(1000, 100), 1000, undefined), /could not be read/)
  assert.match(verifyRun('consumer', report(1000, 100, { distinct: 999, duplicates: 1, gaps: 0 }), 1000), /999 distinct of 1000/)
  assert.match(verifyRun('consumer', report(1000, 100, { distinct: 1000, duplicates: 0, gaps: 2 }), 1000), /2 offsets skipped/)
  assert.equal(verifyRun('consumer', report(1000, 100, { distinct: 1000, duplicates: 3, gaps: 0 }), 1000), '')
  const runs: CellRun[] = [
    { scenario: 's', client: 'samsa', round: 1, report: report(1000, 1000) },
    { scenario: 's', client: 'samsa', round: 2, report: report(1000, 500), failed: 'the broker holds only 999 of 1000 acknowledged records' },
  ]
  const [cell] = summarise(runs, new Map(), ['s'], ['samsa'])
  assert.equal(cell!.msgsPerSec, null)
  assert.equal(cell!.cpuUsPerMsg, null)
  assert.equal(cell!.verificationFailed, 'the broker holds only 999 of 1000 acknowledged records')
  const text = formatResults({ broker: '4.4.0', node: 'v20', date: '2026-01-01T00:00:00Z', machine: 'm', mode: 'quick', results: [cell!] },
    [{ ...SCENARIOS[0]!, name: 's' }])
  assert.match(text, /\| samsa \| FAILED verification: the broker holds only 999 of 1000/)
})

test('payloads: large values get a smaller pool (at most 16 MiB of values per process)', () => {
  const big = makePayloads(64 * 1024)
  assert.equal(big.length, 256)
  assert.ok(big.every((v) => v.length === 64 * 1024))
  assert.equal(makePayloads(1024 * 1024).length, 16)
})
