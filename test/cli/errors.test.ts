// Every tool: --help, usage mistakes and an unreachable cluster give a clear
// result fast. No broker needed (the "unreachable" one is a closed port).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { oneLineFailure, samsa } from './run.js'

const TOOLS = ['topics', 'consumer-groups']

test('samsa without a tool lists the tools; an unknown tool fails in one line', async () => {
  const [none, help, unknown] = await Promise.all([samsa([]), samsa(['--help']), samsa(['topix'])])
  assert.equal(none.code, 1)
  assert.equal(help.code, 0)
  for (const t of TOOLS) assert.match(help.stdout, new RegExp(`^  ${t} `, 'm'))
  assert.match(oneLineFailure(unknown), /^samsa: unknown tool "topix"; tools: topics, consumer-groups/)
})

test('--help for every tool prints usage and the common options', async () => {
  const results = await Promise.all(TOOLS.map((t) => samsa([t, '--help'])))
  results.forEach((r, i) => {
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`^Usage: samsa ${TOOLS[i]} \\[options\\]`))
    assert.match(r.stdout, /--bootstrap-server <host:port\[,host:port\]>/)
    assert.match(r.stdout, /--command-config <file>/)
    assert.equal(r.stderr, '')
  })
  // Kafka's script names work too.
  assert.equal((await samsa(['kafka-topics.sh', '--help'])).code, 0)
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
  ]
  const results = await Promise.all(cases.map(([args]) => samsa([...args, '--bootstrap-server', '127.0.0.1:1'])))
  results.forEach((r, i) => {
    assert.match(oneLineFailure(r), cases[i]![1], `samsa ${cases[i]![0].join(' ')}`)
    assert.equal(r.code, 1)
    assert.ok(r.ms < 5000, `${cases[i]![0].join(' ')} took ${r.ms} ms`)
  })
})

test('an unreachable cluster fails every tool in one line within a few seconds', async () => {
  const runs: string[][] = [
    ['topics', '--list'],
    ['topics', '--describe'],
    ['consumer-groups', '--list'],
    ['consumer-groups', '--describe', '--group', 'g'],
  ]
  const results = await Promise.all(runs.map((args) => samsa([...args, '--bootstrap-server', '127.0.0.1:1,127.0.0.1:2'])))
  results.forEach((r, i) => {
    const line = oneLineFailure(r)
    assert.match(line, /cannot connect to 127\.0\.0\.1:1,127\.0\.0\.1:2 within 5000 ms/, runs[i]!.join(' '))
    assert.match(line, /ECONNREFUSED/)
    assert.equal(r.code, 1)
    assert.ok(r.ms < 9000, `${runs[i]!.join(' ')} took ${r.ms} ms`)
  })
})
