// The Java client's console tools against FakeKafka (issue 13's smoke test):
// ConsoleProducer produces keyed lines, ConsoleConsumer consumes them in a
// classic group and in a KIP-848 group (group.protocol=consumer) and commits on
// exit, and ConsumerGroupCommand lists and describes the groups. The tools'
// jars come from Maven through the project's script (ensureKafkaTools, also
// run by `npm run kafka -- fetch`). Needs java 17+ and mvn; outside CI the test
// skips when either is missing. It starts its own FakeKafka and does not use
// the suite's broker.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { test } from 'node:test'
import { Admin } from '../../../src/index.js'
import { FakeKafka } from '../../../src/testing/index.js'
import { DEFAULT_KAFKA_VERSION, REPO_ROOT, ensureKafkaTools } from '../../../scripts/kafka/cluster.js'

const javaOk = spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0
const mvnOk = spawnSync('mvn', ['-v'], { stdio: 'ignore' }).status === 0
const skip = process.env.CI === undefined && (!javaOk ? 'java is not installed' : !mvnOk ? 'mvn is not installed (it fetches the Kafka tools)' : false)

interface Run { code: number | null, stdout: string, stderr: string }

/** Runs one of Kafka's tools (a main class of kafka-tools) to its end. */
function tool (libs: string, mainClass: string, args: string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', [
      '-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-XX:-UsePerfData',
      `-Dlog4j2.configurationFile=${path.join(REPO_ROOT, 'scripts', 'kafka', 'log4j2.properties')}`,
      '-cp', `${libs}/*`, mainClass, ...args,
    ], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => { stdout += String(d) })
    child.stderr.on('data', (d) => { stderr += String(d) })
    child.on('error', reject)
    child.on('close', (code) => { resolve({ code, stdout, stderr }) })
    child.stdin.end(input)
  })
}

/** The table rows of ConsumerGroupCommand's output, split on runs of spaces. */
function rows (stdout: string): string[][] {
  return stdout.split('\n').filter((l) => l.trim() !== '').map((l) => l.trim().split(/ +/))
}

test('the Java console tools against FakeKafka: produce, consume in a classic and a KIP-848 group, commit, describe', { skip, timeout: 600_000 }, async () => {
  const libs = await ensureKafkaTools(DEFAULT_KAFKA_VERSION, () => {})
  const errors: Error[] = []
  const fake = new FakeKafka({ brokers: 3, onError: (err) => { errors.push(err) } })
  const bootstrap = await fake.listen()
  const admin = new Admin({ 'bootstrap.servers': bootstrap })
  try {
    fake.createTopic('java-smoke', { partitions: 2 })
    const lines = Array.from({ length: 20 }, (_, i) => `k${i}\tvalue-${i}`)
    const produced = await tool(libs, 'org.apache.kafka.tools.ConsoleProducer', [
      '--bootstrap-server', bootstrap, '--topic', 'java-smoke',
      '--reader-property', 'parse.key=true',
      '--command-property', 'acks=all', '--command-property', 'enable.idempotence=true',
    ], lines.join('\n') + '\n')
    assert.equal(produced.code, 0, produced.stderr)
    assert.equal(fake.highWatermark('java-smoke', 0)! + fake.highWatermark('java-smoke', 1)!, 20n)

    for (const [group, protocol] of [['java-classic', 'classic'], ['java-kip848', 'consumer']] as const) {
      const consumed = await tool(libs, 'org.apache.kafka.tools.consumer.ConsoleConsumer', [
        '--bootstrap-server', bootstrap, '--topic', 'java-smoke', '--group', group, '--from-beginning',
        '--max-messages', '20', '--timeout-ms', '120000',
        '--command-property', `group.protocol=${protocol}`,
        '--formatter-property', 'print.key=true',
      ])
      assert.equal(consumed.code, 0, consumed.stderr)
      assert.deepEqual(consumed.stdout.split('\n').filter((l) => l !== '').sort(), [...lines].sort(), `${protocol}: every record once`)
      assert.match(consumed.stderr, /Processed a total of 20 messages/)
      // the consumer committed on exit: what it consumed is what the group has
      const offsets = await admin.listConsumerGroupOffsets(group)
      assert.deepEqual(offsets.map((o) => [o.topic, o.partition, o.offset]).sort(), [
        ['java-smoke', 0, fake.highWatermark('java-smoke', 0)],
        ['java-smoke', 1, fake.highWatermark('java-smoke', 1)],
      ], `${protocol}: committed offsets`)
    }

    const list = await tool(libs, 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', ['--bootstrap-server', bootstrap, '--list'])
    assert.equal(list.code, 0, list.stderr)
    assert.deepEqual(list.stdout.split('\n').filter((l) => l !== '').sort(), ['java-classic', 'java-kip848'])
    const describe = await tool(libs, 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', ['--bootstrap-server', bootstrap, '--describe', '--group', 'java-classic'])
    assert.equal(describe.code, 0, describe.stderr)
    const t = rows(describe.stdout)
    assert.deepEqual(t.filter((r) => r[0] === 'java-classic').map((r) => r.slice(0, 6)).sort(), [
      ['java-classic', 'java-smoke', '0', String(fake.highWatermark('java-smoke', 0)), String(fake.highWatermark('java-smoke', 0)), '0'],
      ['java-classic', 'java-smoke', '1', String(fake.highWatermark('java-smoke', 1)), String(fake.highWatermark('java-smoke', 1)), '0'],
    ])
    assert.deepEqual(errors, [], 'the fake handled every request')
  } finally {
    await admin.close()
    await fake.close()
  }
})
