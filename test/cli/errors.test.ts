// Every tool: --help, usage mistakes and an unreachable cluster give a clear
// result fast. No broker needed (the "unreachable" one is a closed port).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { oneLineFailure, samsa, samsaInProcess } from './run.js'

const TOOLS = ['topics', 'consumer-groups', 'console-producer', 'console-consumer', 'producer-perf-test', 'consumer-perf-test', 'configs', 'acls']

test('samsa without a tool lists the tools; an unknown tool fails in one line', async () => {
  const [none, help, unknown] = await Promise.all([samsa([]), samsa(['--help']), samsa(['topix'])])
  assert.equal(none.code, 1)
  assert.equal(help.code, 0)
  for (const t of TOOLS) assert.match(help.stdout, new RegExp(`^  ${t} `, 'm'))
  assert.match(oneLineFailure(unknown), /^samsa: unknown tool "topix"; tools: topics, consumer-groups, share-groups, console-share-consumer, console-producer, console-consumer, producer-perf-test, consumer-perf-test, configs, acls$/)
})

test('--help for every tool prints usage and the common options', async () => {
  for (const t of TOOLS) {
    const r = await samsaInProcess([t, '--help'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`^Usage: samsa ${t} \\[options\\]`))
    assert.match(r.stdout, /--bootstrap-server <host:port\[,host:port\]>/)
    assert.match(r.stdout, /--command-config <file>/)
    assert.equal(r.stderr, '')
  }
  // As a process, and under Kafka's script names too.
  const [help, scriptName] = await Promise.all([samsa(['console-consumer', '--help']), samsa(['kafka-topics.sh', '--help'])])
  assert.equal(help.code, 0)
  assert.match(help.stdout, /--from-beginning/)
  assert.match(scriptName.stdout, /^Usage: samsa topics/)
})

test('bad flags fail with one line naming the problem, without contacting a broker', async () => {
  const cases: [string[], RegExp][] = [
    [['topics', '--lst'], /^samsa topics: unknown option --lst \(did you mean --list\?\) \(see samsa topics --help\)$/],
    [['topics'], /give exactly one action: --create, --list, --describe, --alter or --delete/],
    [['topics', '--list', '--delete'], /give exactly one action/],
    [['topics', '--create'], /--create needs --topic/],
    [['topics', '--create', '--topic', 't', '--partitions', 'x'], /--partitions expects an integer, got "x"/],
    [['topics', '--create', '--topic', 't', '--partitions', '0'], /--partitions must be at least 1/],
    [['topics', '--alter', '--topic', 't'], /--alter needs --partitions/],
    [['topics', '--create', '--topic', 't', '--config', 'retention.ms'], /--config expects key=value/],
    [['topics', '--list', '--topic'], /option --topic needs a value <topic>/],
    [['consumer-groups', '--describe'], /--describe needs --group or --all-groups/],
    [['consumer-groups', '--reset-offsets', '--group', 'g', '--topic', 't'], /needs exactly one of --to-earliest/],
    [['consumer-groups', '--reset-offsets', '--group', 'g', '--to-latest'], /needs --topic or --all-topics/],
    [['consumer-groups', '--reset-offsets', '--group', 'g', '--topic', 't', '--to-datetime', 'noon'], /--to-datetime expects YYYY-MM-DDTHH:mm:SS\.sss/],
    [['consumer-groups', '--list', 'extra'], /unexpected argument "extra"/],
    [['console-producer'], /missing required option --topic/],
    [['console-producer', '--topic', 't', '--property', 'parse.kye=true'], /unknown --property "parse\.kye"/],
    [['console-consumer'], /give exactly one of --topic and --include/],
    [['console-consumer', '--topic', 't', '--offset', '5'], /--offset needs --partition/],
    [['console-consumer', '--topic', 't', '--partition', '0', '--offset', 'soon'], /--offset expects a non-negative number, earliest or latest/],
    [['console-consumer', '--topic', 't', '--property', 'print.kye=true'], /unknown --property "print\.kye"/],
    [['producer-perf-test', '--topic', 't', '--num-records', '10', '--record-size', '10'], /--throughput is required/],
    [['producer-perf-test', '--topic', 't', '--num-records', '10', '--throughput', '-1'], /exactly one of --record-size and --payload-file/],
    [['producer-perf-test', '--topic', 't', '--num-records', '10', '--throughput', '-1', '--record-size', '1', '--producer-props', 'acks'], /--producer-props expects key=value/],
    [['consumer-perf-test', '--topic', 't'], /--messages is required/],
    [['acls', '--list', '--add'], /give exactly one action: --add, --remove or --list/],
    [['acls', '--add', '--topic', 't'], /--add needs --allow-principal or --deny-principal/],
    [['acls', '--add', '--allow-principal', 'User:a'], /--add needs a resource/],
    [['acls', '--add', '--allow-principal', 'User:a', '--topic', 't', '--resource-pattern-type', 'MATCH'], /--resource-pattern-type must be one of LITERAL, PREFIXED with --add/],
    [['acls', '--add', '--allow-principal', 'User:a', '--consumer', '--topic', 't'], /--consumer needs --group/],
    [['acls', '--remove', '--force'], /--remove needs a resource/],
    [['configs', '--describe', '--alter', '--topic', 't'], /give exactly one action: --describe or --alter/],
    [['configs', '--describe'], /missing --entity-type/],
    [['configs', '--describe', '--entity-type', 'toppics'], /--entity-type must be one of topics, brokers/],
    [['configs', '--alter', '--topic', 't'], /--alter needs --add-config and\/or --delete-config/],
    [['configs', '--alter', '--topic', 't', '--add-config', 'retention.ms'], /--add-config expects k=v/],
    [['configs', '--describe', '--entity-type', 'topics', '--entity-default'], /--entity-default is not valid for topics/],
    [['configs', '--alter', '--entity-type', 'topics', '--entity-type', 'users', '--entity-name', 't', '--entity-name', 'u', '--add-config', 'a=1'], /only users, clients and ips may be combined/],
  ]
  for (const [args, expected] of cases) {
    const r = await samsaInProcess([...args, '--bootstrap-server', '127.0.0.1:1'])
    assert.equal(r.code, 1, `samsa ${args.join(' ')}`)
    const lines = r.stderr.split('\n').filter((l) => l !== '')
    assert.equal(lines.length, 1, r.stderr)
    assert.match(lines[0]!, expected, `samsa ${args.join(' ')}`)
  }
  // As processes: exit code 1 and one line, fast.
  const [startup, ...procs] = await Promise.all([samsa(['--help']), samsa(['topics', '--lst']), samsa(['console-producer'])])
  assert.match(oneLineFailure(procs[0]!), cases[0]![1])
  assert.match(oneLineFailure(procs[1]!), /missing required option --topic/)
  for (const r of procs) {
    assert.equal(r.code, 1)
    assert.ok(r.ms < startup!.ms + 3000, `took ${r.ms} ms (a --help run beside it: ${startup!.ms} ms)`)
  }
})

/**
 * A tool gives up on an unreachable cluster after its 5 s connect bound: its
 * run may take that plus the process start-up, measured by a `--help` run
 * started beside it (on a loaded machine start-up alone can take seconds).
 */
function assertGaveUpInTime(ms: number, startupMs: number, args: string[]): void {
  assert.ok(ms < startupMs + 5000 + 3000, `${args.join(' ')} took ${ms} ms (a --help run beside it: ${startupMs} ms)`)
}

test('an unreachable cluster fails every tool in one line within a few seconds', async () => {
  const runs: string[][] = [
    ['topics', '--list'],
    ['consumer-groups', '--describe', '--group', 'g'],
    ['console-producer', '--topic', 't'],
    ['console-consumer', '--topic', 't'],
    ['producer-perf-test', '--topic', 't', '--num-records', '1', '--record-size', '1', '--throughput', '-1'],
    ['consumer-perf-test', '--topic', 't', '--messages', '1'],
  ]
  const [startup, ...results] = await Promise.all([samsa(['--help']), ...runs.map((args) => samsa([...args, '--bootstrap-server', '127.0.0.1:1,127.0.0.1:2']))])
  results.forEach((r, i) => {
    const line = oneLineFailure(r)
    assert.match(line, /cannot connect to 127\.0\.0\.1:1,127\.0\.0\.1:2 within 5000 ms/, runs[i]!.join(' '))
    assert.match(line, /ECONNREFUSED/)
    assert.equal(r.code, 1)
    assertGaveUpInTime(r.ms, startup!.ms, runs[i]!)
  })
})

test('an unreachable cluster fails configs and acls in one line within a few seconds', async () => {
  const runs: string[][] = [
    ['configs', '--describe', '--topic', 't'],
    ['acls', '--list'],
  ]
  const [startup, ...results] = await Promise.all([samsa(['--help']), ...runs.map((args) => samsa([...args, '--bootstrap-server', '127.0.0.1:1,127.0.0.1:2']))])
  results.forEach((r, i) => {
    const line = oneLineFailure(r)
    assert.match(line, /cannot connect to 127\.0\.0\.1:1,127\.0\.0\.1:2 within 5000 ms/, runs[i]!.join(' '))
    assert.equal(r.code, 1)
    assertGaveUpInTime(r.ms, startup!.ms, runs[i]!)
  })
})
