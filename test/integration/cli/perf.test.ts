import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { samsa } from '../../cli/run.js'

const bs = ['--bootstrap-server', bootstrapServers()]
// Kafka's ProducerPerformance summary line.
const SUMMARY = /^(\d+) records sent, \d+\.\d{6} records\/sec \(\d+\.\d{2} MB\/sec\), \d+\.\d{2} ms avg latency, \d+\.\d{2} ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/
const PROGRESS = /^\d+ records sent, \d+\.\d records\/sec \(\d+\.\d{2} MB\/sec\), \d+\.\d ms avg latency, \d+\.\d ms max latency\.$/
const CONSUMER_HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec'
const DATE = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}:\\d{3}'
const CONSUMER_ROW = new RegExp(`^${DATE}, ${DATE}, (\\d+\\.\\d{4}), \\d+\\.\\d{4}, (\\d+), \\d+\\.\\d{4}, \\d+, \\d+, \\d+\\.\\d{4}, \\d+\\.\\d{4}$`)

test('producer-perf-test and consumer-perf-test print Kafka\'s lines; progress goes to stderr', async () => {
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  const [fast, slow] = [uniqueName('cli-perf-fast'), uniqueName('cli-perf-slow')]
  try {
    await admin.createTopics([{ topic: fast, numPartitions: 3 }, { topic: slow, numPartitions: 1 }])
    const [unthrottled, throttled, consumed] = await Promise.all([
      samsa(['producer-perf-test', ...bs, '--topic', fast, '--num-records', '5000', '--record-size', '100', '--throughput', '-1', '--producer-props', 'acks=1', 'linger.ms=2']),
      // 100 records/s for 5.5 s: one 5-second progress line.
      samsa(['producer-perf-test', ...bs, '--topic', slow, '--num-records', '550', '--record-size', '10', '--throughput', '100']),
      samsa(['consumer-perf-test', ...bs, '--topic', slow, '--messages', '550', '--reporting-interval', '1000', '--timeout', '20000']),
    ])
    assert.equal(unthrottled.code, 0, unthrottled.stderr)
    const m = SUMMARY.exec(unthrottled.stdout.trimEnd())
    assert.ok(m, `summary line: ${unthrottled.stdout}`)
    assert.equal(m[1], '5000')
    assert.equal(unthrottled.stdout.split('\n').length, 2, 'one line of data on stdout')

    assert.equal(throttled.code, 0, throttled.stderr)
    assert.match(throttled.stdout.trimEnd(), SUMMARY)
    const rate = Number(/ (\d+\.\d+) records\/sec/.exec(throttled.stdout)![1])
    assert.ok(rate > 80 && rate <= 105, `throttled to ~100 records/s, got ${rate}`)
    const progress = throttled.stderr.split('\n').filter((l) => l !== '')
    assert.ok(progress.length >= 1, 'a progress line after 5 s')
    for (const l of progress) assert.match(l, PROGRESS)

    assert.equal(consumed.code, 0, consumed.stderr)
    const [header, row, end] = consumed.stdout.split('\n')
    assert.equal(header, CONSUMER_HEADER)
    const c = CONSUMER_ROW.exec(row!)
    assert.ok(c, `row: ${row}`)
    assert.equal(c[2], '550')
    assert.equal(Number(c[1]), Number(((550 * 10) / 1048576).toFixed(4)))
    assert.equal(end, '')
    const lines = consumed.stderr.split('\n').filter((l) => l !== '')
    assert.ok(lines.length >= 3, `progress every second on stderr: ${consumed.stderr}`)

    const ends = await admin.listOffsets([0, 1, 2].map((partition) => ({ topic: fast, partition, timestamp: 'latest' as const })))
    assert.equal(ends.reduce((n, o) => n + o.offset, 0n), 5000n)

    const hidden = await samsa(['consumer-perf-test', ...bs, '--topic', fast, '--messages', '5000', '--hide-header'])
    assert.equal(hidden.code, 0, hidden.stderr)
    assert.equal(CONSUMER_ROW.exec(hidden.stdout.trimEnd())?.[2], '5000')
  } finally {
    await admin.deleteTopics([fast, slow]).catch(() => {})
    await admin.close()
  }
})
