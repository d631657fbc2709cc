import { test } from 'node:test'
import assert from 'node:assert/strict'
import { helpText, parseArgs, UsageError, type OptionSpec } from '../../src/cli/args.js'
import { parseProperties } from '../../src/cli/properties.js'
import { parseDateTime } from '../../src/cli/consumer-groups.js'
import { table } from '../../src/cli/tool.js'

const specs: OptionSpec[] = [
  { name: 'topic', kind: 'value', arg: '<topic>', help: 'topic' },
  { name: 'list', kind: 'flag', help: 'list' },
  { name: 'config', kind: 'repeat', arg: '<k=v>', help: 'config' },
  { name: 'producer-props', kind: 'values', arg: '<k=v>', help: 'props' },
  { name: 'state', kind: 'optional', arg: '<states>', help: 'state' },
  { name: 'partitions', kind: 'value', arg: '<n>', help: 'n' },
]

test('parses values, flags, repeats, multi-values, optional values and --name=value', () => {
  const a = parseArgs(
    ['--topic', 't1', '--list', '--config', 'a=1', '--config=b=2', '--producer-props', 'x=1', 'y=2', '--state', '--partitions=3', '--topic', 't2'],
    specs,
  )
  assert.equal(a.value('topic'), 't2')
  assert.deepEqual(a.values('topic'), ['t1', 't2'])
  assert.ok(a.has('list'))
  assert.deepEqual(a.keyValues('config'), { a: '1', b: '2' })
  assert.deepEqual(a.keyValues('producer-props'), { x: '1', y: '2' })
  assert.ok(a.has('state'))
  assert.equal(a.value('state'), undefined)
  assert.equal(a.int('partitions'), 3)
  assert.equal(parseArgs(['--state', 'Stable,Empty'], specs).value('state'), 'Stable,Empty')
  assert.equal(parseArgs(['--partitions', '-1'], specs).int('partitions'), -1)
})

test('bad command lines fail with a UsageError naming the problem', () => {
  assert.throws(() => parseArgs(['--topc', 'x'], specs), (e: unknown) => e instanceof UsageError && /unknown option --topc \(did you mean --topic\?\)/.test(e.message))
  assert.throws(() => parseArgs(['--topic'], specs), /option --topic needs a value <topic>/)
  assert.throws(() => parseArgs(['--topic', '--list'], specs), /needs a value/)
  assert.throws(() => parseArgs(['stray'], specs), /unexpected argument "stray"/)
  assert.throws(() => parseArgs(['--list=yes'], specs), /takes no value/)
  assert.throws(() => parseArgs(['--partitions', 'many'], specs).int('partitions'), /--partitions expects an integer, got "many"/)
  assert.throws(() => parseArgs(['--config', 'novalue'], specs).keyValues('config'), /--config expects key=value, got "novalue"/)
  assert.throws(() => parseArgs([], specs).required('topic'), /missing required option --topic/)
})

test('help lists every option with its placeholder and default', () => {
  const text = helpText('demo', 'Does things.', [...specs, { name: 'bootstrap-server', kind: 'value', arg: '<host:port>', help: 'brokers', default: 'localhost:9092' }])
  assert.match(text, /^Usage: samsa demo \[options\]/)
  for (const s of specs) assert.match(text, new RegExp(`--${s.name}`))
  assert.match(text, /--config <k=v> \.\.\./)
  assert.match(text, /--state \[<states>\]/)
  assert.match(text, /brokers \(default: localhost:9092\)/)
})

test('Java .properties: separators, comments, continuations, escapes', () => {
  const p = parseProperties(
    [
      '# comment',
      '! also a comment',
      'security.protocol=SASL_PLAINTEXT',
      '  sasl.mechanism : PLAIN',
      'client.id samsa cli',
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\',
      '    username="alice" \\',
      '    password="s\\u00e9cret";',
      'key\\=with\\:seps=v\\tx',
      'empty=',
      '',
    ].join('\r\n'),
  )
  assert.deepEqual(p, {
    'security.protocol': 'SASL_PLAINTEXT',
    'sasl.mechanism': 'PLAIN',
    'client.id': 'samsa cli',
    'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="sécret";',
    'key=with:seps': 'v\tx',
    empty: '',
  })
})

test('--to-datetime accepts Kafka\'s format with and without a zone', () => {
  assert.equal(parseDateTime('2024-01-31T12:00:00.000Z'), Date.UTC(2024, 0, 31, 12))
  assert.equal(parseDateTime('2024-01-31T12:00:00.5+01:00'), Date.UTC(2024, 0, 31, 11, 0, 0, 500))
  assert.equal(parseDateTime('2024-01-31T12:00:00-0230'), Date.UTC(2024, 0, 31, 14, 30))
  assert.equal(parseDateTime('2024-01-31T12:00:00.000'), new Date(2024, 0, 31, 12).getTime())
  assert.throws(() => parseDateTime('yesterday'), /YYYY-MM-DDTHH:mm:SS\.sss/)
})

test('table pads every column but the last, Java style', () => {
  assert.equal(table([['A', 'BB', 'C'], ['long-value', 'x', 'last']], [3, 5]), 'A          BB    C\nlong-value x     last')
})
