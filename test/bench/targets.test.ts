// Issue 10's target checks over a run's cells (bench/lib/targets.ts): which
// pairs are compared, how missing figures count, what is printed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkTargets, formatTargets } from '../../bench/lib/targets.js'
import type { CellResult } from '../../bench/lib/report.js'

function cell (scenario: string, client: string, fields: Partial<CellResult>): CellResult {
  return {
    scenario, client, msgsPerSec: null, mbPerSec: null, cpuUsPerMsg: null, rssMb: null, p50Ms: null, p99Ms: null, runs: 5,
    msgsPerSecMin: null, msgsPerSecMax: null, msgsPerSecSpread: null, p999Ms: null, joinMs: null, brokerCpuUsPerMsg: null,
    failedRuns: 0, fromCreateMsgsPerSec: null, windowCpuUsPerMsg: null, raw: [], ...fields
  }
}

const results: CellResult[] = [
  cell('consume-1KiB', 'samsa', { msgsPerSec: 600_000, cpuUsPerMsg: 1.5, joinMs: 50 }),
  cell('consume-1KiB', 'kafkajs', { msgsPerSec: 200_000, cpuUsPerMsg: 3, joinMs: 140 }),
  cell('consume-1KiB', 'kafkats', { msgsPerSec: 510_000, cpuUsPerMsg: 1.4, joinMs: 60 }),
  cell('consume-1KiB', 'platformatic', { verificationFailed: '10 offsets skipped', joinMs: 30 }),
  cell('consume-1KiB', 'confluent', { unavailable: 'not installed' }),
  cell('consume-1KiB', 'java', { msgsPerSec: 900_000, cpuUsPerMsg: 1, joinMs: 45 }),
  cell('produce-1MiB-acks1', 'samsa', { msgsPerSec: 300, cpuUsPerMsg: 800 }),
  cell('produce-1MiB-acks1', 'confluent', { msgsPerSec: 280, cpuUsPerMsg: 780 }),
  cell('produce-1KiB-acks1', 'samsa', { cpuUsPerMsg: 2, verificationFailed: 'the broker holds only 9 of 10 acknowledged records' }),
  cell('produce-1KiB-acks1', 'kafkats', { msgsPerSec: 100_000, cpuUsPerMsg: 3 })
]

test('throughput: 1.2× every JavaScript peer at the four scenarios; a failed peer cell is a miss, an n/a one is left out, Java is no peer', () => {
  const t = checkTargets(results).filter((c) => c.target === 'throughput')
  assert.deepEqual(t.map((c) => [c.scenario, c.peer, c.met]), [
    ['consume-1KiB', 'kafkajs', true],
    ['consume-1KiB', 'kafkats', false], // 1.18×
    ['consume-1KiB', 'platformatic', false], // failed verification: no figure to compare, not met
    ['produce-1KiB-acks1', 'kafkats', false] // samsa's own cell failed verification
  ])
  assert.equal(t[0]!.ratio, 3)
})

test('CPU: samsa no more than each JavaScript peer with a figure, in every scenario', () => {
  const cpu = checkTargets(results).filter((c) => c.target === 'cpu')
  assert.deepEqual(cpu.map((c) => [c.scenario, c.peer, c.met]), [
    ['consume-1KiB', 'kafkajs', true],
    ['consume-1KiB', 'kafkats', false],
    ['produce-1MiB-acks1', 'confluent', false],
    ['produce-1KiB-acks1', 'kafkats', false]
  ])
})

test('time to first record: no more than the best peer\'s, Java included', () => {
  const [join] = checkTargets(results).filter((c) => c.target === 'join')
  assert.deepEqual([join!.scenario, join!.peer, join!.other, join!.met], ['consume-1KiB', 'java', 45, false])
})

test('the printed section lists every miss and counts the CPU checks met', () => {
  const text = formatTargets(checkTargets(results))
  assert.match(text, /2 of 9 checks met; missed: throughput consume-1KiB vs kafkats, throughput consume-1KiB vs platformatic, throughput produce-1KiB-acks1 vs kafkats/)
  assert.match(text, /\| CPU µs\/msg ≤ peer \| produce-1MiB-acks1 \| confluent \| 800\.00 \| 780\.00 \| 0\.97× \| \*\*no\*\* \|/)
  assert.doesNotMatch(text, /\| CPU µs\/msg ≤ peer \| consume-1KiB \| kafkajs/)
  assert.match(text, /1 of 4 \(scenario, peer\) pairs/)
  assert.equal(formatTargets([]), '')
})
