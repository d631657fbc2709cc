// The scale scenarios' bookkeeping (issue 10): the RSS bound of a producer
// held at buffer.memory, the feed that holds it there, the counters of many
// topics and of a group in one process. The benchmark itself is not run here.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { awaitedWarmup, callShape, ConsumeCounter, GroupCounter, feedWindow, UNACKED_BYTES } from '../../bench/lib/driver.js'
import type { DriverReport } from '../../bench/lib/job.js'
import { clientRssMb, RSS_HEADROOM_MB, rssLimitMb, verifyRun } from '../../bench/lib/verify.js'
import { SCENARIOS } from '../../bench/scenarios.js'
import { formatResults, summarise, type CellRun } from '../../bench/lib/report.js'

const MiB = 2 ** 20

function report(rssMb: number, records = 1000, runtimeRssMb?: number): DriverReport {
  return { records, bytes: records * 1024, elapsedMs: 1000, cpuUs: 1000, rssMb, ...(runtimeRssMb === undefined ? {} : { runtimeRssMb }) }
}

test('a producer held at buffer.memory fails its run when the client adds buffer.memory + 80 MiB to its process', () => {
  assert.equal(RSS_HEADROOM_MB, 80)
  assert.equal(rssLimitMb(32 * MiB), 112)
  // a Node driver: the process had 41 MiB before the client's module was loaded
  assert.equal(clientRssMb(report(152.9, 1000, 41)), 111.9)
  assert.equal(verifyRun('producer', report(152.9, 1000, 41), 1000, 1000, 32 * MiB), '')
  assert.match(verifyRun('producer', report(153, 1000, 41), 1000, 1000, 32 * MiB),
    /the client added 112 MiB to its process's RSS \(peak 153 MiB\), not under buffer\.memory \+ 80 MiB \(112 MiB\)/)
  // without the runtime's figure (the JVM) the whole peak is charged
  assert.equal(verifyRun('producer', report(111.9), 1000, 1000, 32 * MiB), '')
  assert.match(verifyRun('producer', report(112), 1000, 1000, 32 * MiB), /added 112 MiB/)
  assert.match(verifyRun('producer', report(NaN, 1000, 41), 1000, 1000, 32 * MiB), /added NaN MiB/)
  // without a buffer bound the RSS is reported, not judged
  assert.equal(verifyRun('producer', report(500), 1000, 1000), '')
  // the end offsets still bind first
  assert.match(verifyRun('producer', report(50), 1000, 999, 32 * MiB), /holds only 999 of 1000/)
})

test('the feed keeps twice buffer.memory outstanding when held at it, else UNACKED_BYTES', () => {
  assert.equal(feedWindow({ valueSize: 1024, bufferMemory: 32 * MiB }), 65536)
  assert.equal(feedWindow({ valueSize: 1024 }), UNACKED_BYTES / 1024)
  assert.equal(feedWindow({ valueSize: 1024 * 1024 }), 64)
})

test('the scale scenarios exist with the sizes the README states', () => {
  const byName = new Map(SCENARIOS.map((s) => [s.name, s]))
  const many = byName.get('produce-1000-partitions')!
  assert.equal(many.topics! * many.partitions, 1000)
  assert.equal(byName.get('produce-1MiB-acks1')!.valueSize, MiB)
  assert.ok(byName.get('consume-1MiB')!.maxMessageBytes! > MiB)
  const group = byName.get('group-8-consumers')!
  assert.deepEqual([group.role, group.consumers, group.partitions], ['group', 8, 48])
  assert.equal(byName.get('produce-held-at-buffer-memory')!.bufferMemory, 32 * MiB)
})

test('a counter over many topics checks offsets per topic and partition', () => {
  const c = new ConsumeCounter(4)
  c.see(0, 0, 'a')
  c.see(0, 0, 'b')   // same partition and offset, other topic: not a duplicate
  c.see(0, 1, 'a')
  c.see(0, 1, 'a')   // a repeat
  c.see(0, 3, 'b')   // skips offsets 1 and 2 of b
  assert.equal(c.duplicates, 1)
  assert.equal(c.gaps, 2)
})

test('a group counter marks the moment every member owns partitions and together all of them', async () => {
  const g = new GroupCounter(10, 2, 4)
  g.owns(0, 4)          // one member owns everything: not yet
  assert.equal(g.allOwnAt, 0)
  g.add(6, 6)
  g.owns(0, 2)
  assert.equal(g.allOwnAt, 0)   // the other owns nothing yet
  g.owns(1, 2)
  assert.ok(g.allOwnAt > 0)
  assert.equal(g.recordsAtAllOwn, 6)
  g.add(4, 4)
  await g.finished(1000)
  await assert.rejects(new GroupCounter(1, 2, 2).finished(10), /members own 0, 0 of 2 partitions/)
})

test('the held scenario\'s table shows what the client added to its process beside the whole peak', () => {
  const held = SCENARIOS.find((s) => s.name === 'produce-held-at-buffer-memory')!
  const runs: CellRun[] = [
    { scenario: held.name, client: 'samsa', round: 1, report: report(150, 1000, 41) },
    { scenario: held.name, client: 'samsa', round: 2, report: report(146, 1000, 42) },
    { scenario: held.name, client: 'samsa', round: 3, report: report(148, 1000, 40) }
  ]
  const cells = summarise(runs, new Map(), [held.name], ['samsa'])
  assert.equal(cells[0]!.rssMb, 148)
  assert.equal(cells[0]!.clientRssMb, 108)
  const table = formatResults({ broker: '4.4.0', node: 'v20', date: '2026-12-06', machine: 'test', mode: 'full', results: cells }, [held])
  assert.match(table, /\| peak RSS MB \| client RSS MB \|/)
  assert.match(table, /\| 148 \| 108 \| 3 \|/)
})

test('awaited sends: a tenth of the count unmeasured first (20 to 1,000), and a full window of at least 15,000 sends', () => {
  assert.equal(awaitedWarmup(15_000), 1000)
  assert.equal(awaitedWarmup(5_000), 500)
  assert.equal(awaitedWarmup(500), 50)
  assert.equal(awaitedWarmup(100), 20)
  assert.equal(SCENARIOS.find((s) => s.name === 'produce-1KiB-acks1-awaited')!.count.full, 15_000)
})

test('array-fed producers: every call keeps each batch within max.message.bytes, one batch per call for a client that puts a call into one partition', () => {
  const kib64 = { valueSize: 64 * 1024, partitions: 6, batchSize: MiB, maxMessageBytes: undefined }
  // 1 MiB + 12 bytes of the broker's default max.message.bytes hold 15 records of 64 KiB with their framing.
  assert.deepEqual(callShape(kib64), { callSize: 90, concurrency: 2 })
  assert.deepEqual(callShape(kib64, { oneBatchPerCall: true }), { callSize: 15, concurrency: 17 })
  for (const shape of [callShape(kib64), callShape(kib64, { oneBatchPerCall: true })]) {
    const perPartition = Math.ceil(shape.callSize / kib64.partitions)
    assert.ok(61 + perPartition * (kib64.valueSize + 64) <= 1_048_588, `${perPartition} records of 64 KiB fit one batch`)
  }
  // 1 MiB values under a 2 MiB max.message.bytes: one record per call for kafkats, one per partition otherwise.
  const mib = { valueSize: MiB, partitions: 6, batchSize: MiB, maxMessageBytes: 2 * MiB }
  assert.equal(callShape(mib, { oneBatchPerCall: true }).callSize, 1)
  assert.equal(callShape(mib).callSize, 6)
  // 1 KiB values: batch.size worth per partition, unchanged by the bound (384 records = 64 KiB per partition).
  const kib1 = { valueSize: 1024, partitions: 6, batchSize: 64 * 1024, maxMessageBytes: undefined }
  assert.equal(callShape(kib1).callSize, 384)
  assert.equal(callShape(kib1, { oneBatchPerCall: true }).callSize, 384)
  assert.equal(callShape(kib1).concurrency, Math.floor(UNACKED_BYTES / (384 * 1024)))
})
