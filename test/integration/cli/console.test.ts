import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { oneLineFailure, samsa } from '../../cli/run.js'

const bs = ['--bootstrap-server', bootstrapServers()]

test('console-producer → console-consumer: keys, nulls, print.* properties, group commits exactly what was printed', async () => {
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  const topic = uniqueName('cli-console')
  const group = uniqueName('cli-console-group')
  try {
    await admin.createTopics([{ topic, numPartitions: 1 }])
    const lines = ['k1:v1', 'k2:with:colons', 'NULL:no key', 'k4:NULL', 'k5:v5']
    let r = await samsa(
      ['console-producer', ...bs, '--topic', topic, '--property', 'parse.key=true', '--property', 'key.separator=:', '--property', 'null.marker=NULL', '--compression-codec', '--request-required-acks', '1'],
      { input: lines.join('\n') + '\n' },
    )
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '')

    r = await samsa([
      'console-consumer', ...bs, '--topic', topic, '--group', group, '--from-beginning', '--max-messages', '4',
      '--property', 'print.key=true', '--property', 'print.partition=true', '--property', 'print.offset=true', '--property', 'print.timestamp=true',
    ])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /Processed a total of 4 messages/)
    const out = r.stdout.split('\n')
    assert.equal(out.length, 5)
    assert.equal(out[4], '')
    const expected = [
      ['k1', 'v1'],
      ['k2', 'with:colons'],
      ['null', 'no key'],
      ['k4', 'null'],
    ]
    out.slice(0, 4).forEach((line, i) => {
      const f = line.split('\t')
      assert.equal(f.length, 5, line)
      assert.match(f[0]!, /^CreateTime:\d{13}$/)
      assert.deepEqual(f.slice(1), ['Partition:0', `Offset:${i}`, ...expected[i]!])
    })
    // The group's offset is exactly after the 4th record, though a poll returned all 5.
    assert.deepEqual((await admin.listConsumerGroupOffsets(group)).map((o) => [o.offset, o.lag]), [[4n, 1n]])

    // The same group resumes where it stopped; plain values by default.
    r = await samsa(['console-consumer', ...bs, '--topic', topic, '--group', group, '--max-messages', '1'])
    assert.equal(r.stdout, 'v5\n')

    // One partition without a group, from an offset.
    const [fromOffset, fromEarliest] = await Promise.all([
      samsa(['console-consumer', ...bs, '--topic', topic, '--partition', '0', '--offset', '3', '--max-messages', '2', '--property', 'print.value=false', '--property', 'print.offset=true']),
      samsa(['console-consumer', ...bs, '--topic', topic, '--partition', '0', '--offset', 'earliest', '--timeout-ms', '1500', '--property', 'null.literal=<nil>']),
    ])
    assert.equal(fromOffset.stdout, 'Offset:3\nOffset:4\n')
    assert.equal(fromEarliest.code, 0, fromEarliest.stderr)
    assert.equal(fromEarliest.stdout, 'v1\nwith:colons\nno key\n<nil>\nv5\n')
    assert.match(fromEarliest.stderr, /Processed a total of 5 messages/)
  } finally {
    await admin.deleteTopics([topic]).catch(() => {})
    await admin.close()
  }
})

test('console-consumer exits cleanly on SIGINT and commits; console-producer rejects a line without a key separator', async () => {
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  const topic = uniqueName('cli-sigint')
  const group = uniqueName('cli-sigint-group')
  try {
    await admin.createTopics([{ topic, numPartitions: 2 }])
    const input = Array.from({ length: 50 }, (_, i) => `line-${i}`).join('\n')
    let r = await samsa(['console-producer', ...bs, '--topic', topic, '--producer-property', 'linger.ms=0', '--sync'], { input })
    assert.equal(r.code, 0, r.stderr)

    r = await samsa(['console-consumer', ...bs, '--topic', topic, '--group', group, '--from-beginning'], {
      signal: { name: 'SIGINT', when: (out) => out.split('\n').length > 50 },
      timeoutMs: 30000,
    })
    assert.equal(r.code, 0, `exit code after SIGINT (stderr: ${r.stderr})`)
    assert.equal(r.signal, null)
    assert.equal(r.stdout.split('\n').filter((l) => l !== '').sort().join(','), Array.from({ length: 50 }, (_, i) => `line-${i}`).sort().join(','))
    assert.match(r.stderr, /Processed a total of 50 messages/)
    const committed = await admin.listConsumerGroupOffsets(group)
    assert.equal(committed.reduce((n, o) => n + Number(o.offset), 0), 50, 'committed every printed record')
    assert.ok(committed.every((o) => o.lag === 0n))

    r = await samsa(['console-producer', ...bs, '--topic', topic, '--property', 'parse.key=true'], { input: 'a\tb\nno separator here\n' })
    assert.match(oneLineFailure(r), /No key separator found on line number 2: 'no separator here'/)
    r = await samsa(['console-producer', ...bs, '--topic', topic, '--property', 'parse.key=true', '--property', 'ignore.error=true'], { input: 'a\tb\nno separator\n' })
    assert.equal(r.code, 0, r.stderr)
    const ends = await admin.listOffsets([0, 1].map((partition) => ({ topic, partition, timestamp: 'latest' as const })))
    assert.equal(ends.reduce((n, o) => n + Number(o.offset), 0), 50 + 1 + 2, 'the line before the bad one was sent, then both of the second run')
  } finally {
    await admin.deleteTopics([topic]).catch(() => {})
    await admin.close()
  }
})
