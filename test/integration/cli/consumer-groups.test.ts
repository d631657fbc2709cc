import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin } from '../../../src/index.js'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { joinClassic, produceRaw } from '../admin/raw-clients.js'
import { oneLineFailure, samsa } from '../../cli/run.js'

const bs = ['--bootstrap-server', bootstrapServers()]
const HEADER = ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']

/** The table after the leading blank line: rows split on runs of spaces. */
function rows(stdout: string): string[][] {
  const lines = stdout.split('\n')
  assert.equal(lines[0], '', 'Kafka prints a blank line before the table')
  return lines.slice(1).filter((l) => l !== '').map((l) => l.split(/ +/))
}

test('consumer-groups: describe with lag and members, --members, --state, list, reset, delete', async () => {
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  const topic = uniqueName('cli-groups')
  const group = uniqueName('cli-group')
  try {
    await admin.createTopics([{ topic, numPartitions: 3 }])
    await Promise.all([produceRaw(topic, 0, 10), produceRaw(topic, 1, 4)])
    await admin.alterConsumerGroupOffsets(group, [
      { topic, partition: 0, offset: 3n },
      { topic, partition: 1, offset: 4n },
    ])

    // Inactive group: committed partitions only, no consumer columns.
    let r = await samsa(['consumer-groups', ...bs, '--describe', '--group', group])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, new RegExp(`Consumer group '${group}' has no active members`))
    assert.deepEqual(rows(r.stdout), [
      HEADER,
      [group, topic, '0', '3', '10', '7', '-', '-', '-'],
      [group, topic, '1', '4', '4', '0', '-', '-', '-'],
    ])
    // Column layout: CURRENT-OFFSET starts where Java's %-10s PARTITION column ends.
    const header = r.stdout.split('\n')[1]!
    assert.equal(header.indexOf('CURRENT-OFFSET') - header.indexOf('PARTITION'), 11)
    assert.equal(header.indexOf('LAG') - header.indexOf('LOG-END-OFFSET'), 16)

    // An active member owning every partition.
    const member = await joinClassic(group, topic, [0, 1, 2], 'cli-test-client')
    try {
      const [offsets, members, state, list, reset, del] = await Promise.all([
        samsa(['consumer-groups', ...bs, '--describe', '--group', group]),
        samsa(['consumer-groups', ...bs, '--describe', '--group', group, '--members', '--verbose']),
        samsa(['consumer-groups', ...bs, '--describe', '--group', group, '--state']),
        samsa(['consumer-groups', ...bs, '--list']),
        samsa(['consumer-groups', ...bs, '--reset-offsets', '--group', group, '--topic', topic, '--to-earliest', '--execute']),
        samsa(['consumer-groups', ...bs, '--delete', '--group', group]),
      ])
      assert.equal(offsets.code, 0, offsets.stderr)
      const t = rows(offsets.stdout)
      assert.deepEqual(t[0], HEADER)
      assert.equal(t.length, 4)
      assert.deepEqual(t[1]!.slice(0, 6), [group, topic, '0', '3', '10', '7'])
      assert.deepEqual(t[2]!.slice(0, 6), [group, topic, '1', '4', '4', '0'])
      assert.deepEqual(t[3]!.slice(0, 6), [group, topic, '2', '-', '0', '-'])
      for (const row of t.slice(1)) {
        assert.equal(row[6], member.memberId)
        assert.match(row[7]!, /127\.0\.0\.1/)
        assert.equal(row[8], 'cli-test-client')
      }
      assert.deepEqual(rows(members.stdout), [
        ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'],
        [group, member.memberId, t[1]![7]!, 'cli-test-client', '3', `${topic}(0,1,2)`],
      ])
      const s = rows(state.stdout)
      assert.deepEqual(s[0], ['GROUP', 'COORDINATOR', '(ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'])
      assert.equal(s[1]![0], group)
      assert.deepEqual(s[1]!.slice(-3), ['range', 'Stable', '1'])
      assert.ok(list.stdout.split('\n').includes(group))
      assert.match(oneLineFailure(reset), new RegExp(`Assignments can only be reset if the group '${group}' is inactive, but the current state is Stable`))
      assert.match(oneLineFailure(del), /NON_EMPTY_GROUP/)
    } finally {
      await member.leave()
    }

    // Resets of the now empty group.
    const committed = async () => (await admin.listConsumerGroupOffsets(group)).map((o) => [o.partition, o.offset])
    const [dry, noExecute, listState] = await Promise.all([
      samsa(['consumer-groups', ...bs, '--reset-offsets', '--group', group, '--topic', topic, '--to-earliest', '--dry-run']),
      samsa(['consumer-groups', ...bs, '--reset-offsets', '--group', group, '--all-topics', '--to-latest']),
      samsa(['consumer-groups', ...bs, '--list', '--state']),
    ])
    r = dry
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(rows(r.stdout), [
      ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'],
      [group, topic, '0', '0'],
      [group, topic, '1', '0'],
      [group, topic, '2', '0'],
    ])
    assert.equal(noExecute.code, 0, noExecute.stderr)
    assert.match(noExecute.stderr, /--execute option is missing/)
    assert.deepEqual(rows(noExecute.stdout).slice(1), [
      [group, topic, '0', '10'],
      [group, topic, '1', '4'],
    ])
    assert.deepEqual(await committed(), [[0, 3n], [1, 4n]], 'neither --dry-run nor a missing --execute changes anything')
    assert.ok(listState.stdout.split('\n').some((l) => l.split(/ +/).join(' ') === `${group} Empty`), listState.stdout)

    r = await samsa(['consumer-groups', ...bs, '--reset-offsets', '--group', group, '--topic', topic, '--to-offset', '5', '--execute'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(await committed(), [[0, 5n], [1, 4n], [2, 0n]], 'clamped to each partition\'s range')

    r = await samsa(['consumer-groups', ...bs, '--reset-offsets', '--group', group, '--topic', `${topic}:0`, '--shift-by', '-2', '--execute'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(rows(r.stdout).slice(1), [[group, topic, '0', '3']])


    const future = new Date(Date.now() + 3600000).toISOString()
    r = await samsa(['consumer-groups', ...bs, '--reset-offsets', '--group', group, '--topic', topic, '--to-datetime', future, '--execute'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(await committed(), [[0, 10n], [1, 4n], [2, 0n]], 'no record that late: latest')

    r = await samsa(['consumer-groups', ...bs, '--delete', '--group', group])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, `Deletion of requested consumer groups ('${group}') was successful.\n`)
    r = await samsa(['consumer-groups', ...bs, '--describe', '--group', group])
    assert.equal(r.code, 1)
    assert.match(r.stderr, new RegExp(`Consumer group '${group}' does not exist`))
  } finally {
    await admin.deleteTopics([topic]).catch(() => {})
    await admin.close()
  }
})
