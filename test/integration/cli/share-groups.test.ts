// `samsa share-groups` and `samsa console-share-consumer` against a real
// broker (Kafka 4.1+): the console tool reads through a share group; list,
// describe (offsets, --members, --state), reset (dry run, execute), delete.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin } from '../../../src/index.js'
import { bootstrapServers, kafkaVersionAtLeast, uniqueName } from '../../helpers/kafka.js'
import { produceRaw } from '../admin/raw-clients.js'
import { samsa } from '../../cli/run.js'

const bs = ['--bootstrap-server', bootstrapServers()]
const skip = !kafkaVersionAtLeast('4.1.0') && 'share groups need Kafka 4.1+'

function rows(stdout: string): string[][] {
  const lines = stdout.split('\n')
  assert.equal(lines[0], '', 'Kafka prints a blank line before the table')
  return lines.slice(1).filter((l) => l !== '').map((l) => l.split(/ +/))
}

test('console-share-consumer reads through a share group; share-groups lists, describes, resets and deletes it', { skip, timeout: 110000 }, async () => {
  const admin = new Admin({ 'bootstrap.servers': bootstrapServers() })
  const topic = uniqueName('cli-share')
  const group = uniqueName('cli-share-g')
  try {
    await admin.createTopics([{ topic, numPartitions: 1 }])
    await admin.incrementalAlterConfigs([{ type: 'group', name: group, ops: [{ name: 'share.auto.offset.reset', value: 'earliest' }] }])
    await produceRaw(topic, 0, 6)

    let r = await samsa(['console-share-consumer', ...bs, '--topic', topic, '--group', group, '--max-messages', '6', '--timeout-ms', '30000', '--property', 'print.offset=true'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout.split('\n').filter((l) => l !== '').length, 6, r.stdout)
    assert.match(r.stdout, /^Offset:0\t/)
    assert.match(r.stderr, /Processed a total of 6 messages/)

    r = await samsa(['share-groups', ...bs, '--list'])
    assert.equal(r.code, 0, r.stderr)
    assert.ok(r.stdout.split('\n').includes(group), r.stdout)

    r = await samsa(['share-groups', ...bs, '--describe', '--group', group, '--state'])
    assert.equal(r.code, 0, r.stderr)
    const state = rows(r.stdout)
    assert.deepEqual([state[0]![0], state[1]![0], state[1]!.at(-2), state[1]!.at(-1)], ['GROUP', group, 'Empty', '0'])

    r = await samsa(['share-groups', ...bs, '--describe', '--group', group])
    assert.equal(r.code, 0, r.stderr)
    const offs = rows(r.stdout)
    assert.deepEqual(offs[0], ['GROUP', 'TOPIC', 'PARTITION', 'LEADER-EPOCH', 'START-OFFSET', 'LAG'])
    assert.deepEqual(offs[1]!.slice(0, 3), [group, topic, '0'])

    r = await samsa(['share-groups', ...bs, '--reset-offsets', '--group', group, '--topic', topic, '--to-earliest', '--dry-run'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(rows(r.stdout), [['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], [group, topic, '0', '0']])
    r = await samsa(['share-groups', ...bs, '--reset-offsets', '--group', group, '--topic', topic, '--to-offset', '2', '--execute'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual((await admin.listShareGroupOffsets(group)).map((o) => o.offset), [2n])

    // Reading again from offset 2: four records, delivered for the first time since the reset.
    r = await samsa(['console-share-consumer', ...bs, '--topic', topic, '--group', group, '--max-messages', '4', '--timeout-ms', '30000', '--property', 'print.offset=true'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0]), ['Offset:2', 'Offset:3', 'Offset:4', 'Offset:5'])

    r = await samsa(['share-groups', ...bs, '--delete', '--group', group])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /Deletion of requested share groups .* was successful/)
    r = await samsa(['share-groups', ...bs, '--describe', '--group', group])
    assert.equal(r.code, 1)
    assert.match(r.stderr, new RegExp(`Share group '${group}' does not exist`))

    r = await samsa(['share-groups', ...bs, '--describe'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /needs --group or --all-groups/)
  } finally {
    await admin.close()
  }
})
