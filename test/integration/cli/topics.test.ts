import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { bootstrapServers, uniqueName } from '../../helpers/kafka.js'
import { oneLineFailure, samsa } from '../../cli/run.js'

const bs = ['--bootstrap-server', bootstrapServers()]

async function until(check: () => Promise<boolean>, what: string, ms = 15000): Promise<void> {
  for (const end = Date.now() + ms; !(await check()); await new Promise((r) => setTimeout(r, 200))) {
    assert.ok(Date.now() < end, `${what} within ${ms} ms`)
  }
}

test('topics: create, describe (Kafka layout), list, alter, delete', async () => {
  const topic = uniqueName('cli-topics')
  let r = await samsa(['topics', ...bs, '--create', '--topic', topic, '--partitions', '3', '--replication-factor', '1', '--config', 'retention.ms=3600000', '--config', 'cleanup.policy=compact'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, `Created topic ${topic}.\n`)

  r = await samsa(['topics', ...bs, '--describe', '--topic', topic])
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout.split('\n')
  assert.equal(lines.length, 5, r.stdout)
  assert.equal(lines[4], '')
  const head = /^Topic: (\S+)\tTopicId: ([A-Za-z0-9_-]{22})\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: (.*)$/.exec(lines[0]!)
  assert.ok(head, `header line: ${JSON.stringify(lines[0])}`)
  assert.equal(head[1], topic)
  const configs = head[3]!.split(',')
  assert.ok(configs.includes('retention.ms=3600000'), head[3])
  assert.ok(configs.includes('cleanup.policy=compact'), head[3])
  for (let p = 0; p < 3; p++) {
    assert.match(lines[1 + p]!, new RegExp(`^\\tTopic: ${topic}\\tPartition: ${p}\\tLeader: (\\d+)\\tReplicas: \\1\\tIsr: \\1$`))
  }

  r = await samsa(['topics', ...bs, '--list'])
  assert.equal(r.code, 0, r.stderr)
  const names = r.stdout.trim().split('\n')
  assert.ok(names.includes(topic))
  assert.ok(names.includes('__consumer_offsets'), 'internal topics listed, as Kafka does')
  assert.deepEqual(names, [...names].sort())
  r = await samsa(['topics', ...bs, '--list', '--exclude-internal', '--topic', `${topic.slice(0, -4)}.*`])
  assert.equal(r.stdout, `${topic}\n`, 'regex filter')

  r = await samsa(['topics', ...bs, '--alter', '--topic', topic, '--partitions', '5'])
  assert.equal(r.code, 0, r.stderr)
  await until(async () => /PartitionCount: 5/.test((await samsa(['topics', ...bs, '--describe', '--topic', topic])).stdout), 'five partitions')

  r = await samsa(['topics', ...bs, '--create', '--topic', topic, '--partitions', '1'])
  assert.match(oneLineFailure(r), new RegExp(`^samsa topics: TOPIC_ALREADY_EXISTS .*${topic}`))
  r = await samsa(['topics', ...bs, '--create', '--topic', topic, '--if-not-exists'])
  assert.equal(r.code, 0, r.stderr)

  r = await samsa(['topics', ...bs, '--delete', '--topic', topic])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, '')
  await until(async () => !(await samsa(['topics', ...bs, '--list'])).stdout.split('\n').includes(topic), 'topic deleted')
  r = await samsa(['topics', ...bs, '--describe', '--topic', topic])
  assert.match(oneLineFailure(r), new RegExp(`Topic '${topic}' does not exist as expected`))
  r = await samsa(['topics', ...bs, '--delete', '--topic', topic, '--if-exists'])
  assert.equal(r.code, 0, r.stderr)
})

test('topics: --command-config supplies client settings; bad settings fail in one line', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-cli-'))
  try {
    const good = path.join(dir, 'client.properties')
    fs.writeFileSync(good, `# client settings\nclient.id=from-properties\nrequest.timeout.ms=15000\nbootstrap.servers=${bootstrapServers()}\n`)
    const bad = path.join(dir, 'bad.properties')
    fs.writeFileSync(bad, 'request.timeout.msx=5\nsasl.password=hunter2\n')
    const [ok, misspelt, missing] = await Promise.all([
      samsa(['topics', '--command-config', good, '--list']),
      samsa(['topics', ...bs, '--command-config', bad, '--list']),
      samsa(['topics', ...bs, '--command-config', path.join(dir, 'nope.properties'), '--list']),
    ])
    assert.equal(ok.code, 0, ok.stderr)
    assert.ok(ok.stdout.includes('__consumer_offsets'))
    const line = oneLineFailure(misspelt)
    assert.match(line, /unknown config "request\.timeout\.msx" \(did you mean "request\.timeout\.ms"\?\)/)
    assert.ok(!line.includes('hunter2'), 'secrets never printed')
    assert.match(oneLineFailure(missing), /cannot read --command-config file ".*nope\.properties": ENOENT/)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
