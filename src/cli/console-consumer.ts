/**
 * `samsa console-consumer`: kafka-console-consumer.sh. Prints each record's
 * value (and, with `--property print.*=true`, its timestamp, partition,
 * offset, headers and key) on one line, in Kafka's DefaultMessageFormatter
 * layout: fields in that order separated by `key.separator` (TAB), null as
 * `null.literal` ("null"), lines ended by `line.separator` ("\n"). Values are
 * written as their raw bytes.
 *
 * Modes: `--topic T` (or `--include REGEX`) subscribes with a group — the
 * `--group` given, or a throwaway `console-consumer-<n>` group that commits
 * nothing (as Java); `--partition P [--offset O|earliest|latest]` reads one
 * partition without joining a group.
 *
 * Contract: stops after `--max-messages`, after `--timeout-ms` without a
 * record, on SIGINT/SIGTERM, or when stdout closes (a pipe into `head`);
 * then, in a group of the user's, commits exactly the records printed (the
 * next offset after each), leaves the group and exits 0, printing
 * "Processed a total of N messages" to stderr. With a group, offsets of
 * printed records are also committed every `auto.commit.interval.ms`.
 */
import { Consumer } from '../consumer/consumer.js'
import type { ConsumerRecord } from '../consumer/records.js'
import type { TopicPartitionOffset } from '../types.js'
import { decoder, registryOptions } from './registry-format.js'
import { UsageError } from './args.js'
import { printRecords } from './print-loop.js'
import { checkReachable, clientConfig, clientProps, type Tool } from './tool.js'

export const tool: Tool = {
  name: 'console-consumer',
  summary: 'Read records and print them to stdout, one per line.',
  options: [
    { name: 'topic', kind: 'value', arg: '<topic>', help: 'Topic to consume' },
    { name: 'include', kind: 'value', arg: '<regex>', help: 'Consume every topic matching this regular expression' },
    { name: 'group', kind: 'value', arg: '<group>', help: 'Consumer group (default: a throwaway group that commits nothing)' },
    { name: 'from-beginning', kind: 'flag', help: 'Start with the earliest record when the group has no committed offset' },
    { name: 'max-messages', kind: 'value', arg: '<n>', help: 'Exit after printing this many records' },
    { name: 'timeout-ms', kind: 'value', arg: '<ms>', help: 'Exit when no record arrives for this long' },
    { name: 'partition', kind: 'value', arg: '<p>', help: 'Read only this partition (no group membership)' },
    { name: 'offset', kind: 'value', arg: '<offset|earliest|latest>', help: 'With --partition: where to start', default: 'latest' },
    { name: 'property', kind: 'repeat', arg: '<name=value>', help: 'Formatter settings: print.key, print.value, print.timestamp, print.partition, print.offset, print.headers, key.separator, line.separator, headers.separator, null.literal' },
    { name: 'consumer-property', kind: 'repeat', arg: '<name=value>', help: 'A consumer config, e.g. --consumer-property fetch.max.wait.ms=100' },
    { name: 'consumer.config', kind: 'value', arg: '<file>', help: 'Java .properties file of consumer configs' },
    { name: 'isolation-level', kind: 'value', arg: '<level>', help: 'read_committed or read_uncommitted', default: 'read_uncommitted' },
    ...registryOptions('consumer'),
  ],
  notes: [
    'Examples:',
    '  samsa console-consumer --topic greetings --from-beginning --max-messages 10',
    '  samsa console-consumer --topic users --group audit --property print.key=true --property print.offset=true',
  ],
  async run(args) {
    const topic = args.value('topic')
    const include = args.value('include')
    if ((topic === undefined) === (include === undefined)) throw new UsageError('give exactly one of --topic and --include')
    const partition = args.int('partition')
    if (partition !== undefined && (include !== undefined || partition < 0)) throw new UsageError('--partition needs --topic and a partition number >= 0')
    if (args.has('offset') && partition === undefined) throw new UsageError('--offset needs --partition')
    if (args.has('offset') && args.has('from-beginning')) throw new UsageError('--from-beginning and --offset cannot be given together')
    const offset = startOffset(args.value('offset', 'latest'))
    const maxMessages = args.int('max-messages')
    if (maxMessages !== undefined && maxMessages < 1) throw new UsageError('--max-messages must be at least 1')
    const timeoutMs = args.int('timeout-ms')
    const format = formatter(args.keyValues('property'))
    const decodeKey = decoder(args, 'key')
    const decode = decoder(args, 'value')
    const isolation = args.value('isolation-level', 'read_uncommitted')
    if (isolation !== 'read_committed' && isolation !== 'read_uncommitted') throw new UsageError('--isolation-level is read_committed or read_uncommitted')

    const userProps = clientProps(args, 'consumer.config', 'consumer-property')
    const group = args.value('group') ?? (userProps['group.id'] as string | undefined)
    const ownGroup = group !== undefined
    const extra: Record<string, unknown> = {
      'client.id': 'console-consumer',
      'auto.offset.reset': args.has('from-beginning') ? 'earliest' : 'latest',
      'isolation.level': isolation,
      ...userProps,
      // Offsets are committed here, for exactly the records printed.
      'enable.auto.commit': 'false',
    }
    const commitEvery = Number(userProps['auto.commit.interval.ms'] ?? 5000)
    const autoCommit = ownGroup && String(userProps['enable.auto.commit'] ?? 'true') !== 'false'
    delete extra['auto.commit.interval.ms']
    if (partition === undefined) extra['group.id'] = group ?? `console-consumer-${Math.floor(Math.random() * 100000)}`
    else if (group !== undefined) extra['group.id'] = group
    const config = clientConfig(args, extra)
    await checkReachable(config)

    const consumer = new Consumer(config as never)
    const printed = new Map<string, TopicPartitionOffset>()
    let lastCommit = Date.now()
    const commit = async () => {
      if (!autoCommit || printed.size === 0) return
      const offsets = [...printed.values()]
      printed.clear()
      await consumer.commitSync(offsets)
      lastCommit = Date.now()
    }
    await printRecords(consumer, {
      maxMessages,
      timeoutMs,
      start() {
        if (partition !== undefined) {
          const tp = { topic: topic!, partition }
          consumer.assign([tp])
          if (offset === 'earliest') consumer.seekToBeginning([tp])
          else if (offset === 'latest') consumer.seekToEnd([tp])
          else consumer.seek(tp, offset)
        } else {
          consumer.subscribe(include !== undefined ? new RegExp(include) : [topic!])
        }
      },
      async format(r) {
        const raw = r as ConsumerRecord<Buffer, Buffer>
        const line = format(decode === undefined && decodeKey === undefined ? raw : {
          ...raw,
          key: decodeKey === undefined ? raw.key : await decodeKey(raw.topic, raw.key, raw.headers),
          value: decode === undefined ? raw.value : await decode(raw.topic, raw.value, raw.headers),
        })
        printed.set(`${r.topic}\u0000${r.partition}`, { topic: r.topic, partition: r.partition, offset: r.offset + 1n })
        return line
      },
      afterPoll: async () => {
        if (Date.now() - lastCommit >= commitEvery) await commit()
      },
      finish: commit,
    })
    return 0
  },
}

function startOffset(s: string): 'earliest' | 'latest' | bigint {
  if (s === 'earliest' || s === 'latest') return s
  if (!/^\d+$/.test(s)) throw new UsageError(`--offset expects a non-negative number, earliest or latest, got "${s}"`)
  return BigInt(s)
}

/** Kafka's DefaultMessageFormatter. */
export function formatter(props: Record<string, string>): (r: ConsumerRecord<Buffer, Buffer>) => Buffer {
  const known = ['print.key', 'print.value', 'print.timestamp', 'print.partition', 'print.offset', 'print.headers', 'key.separator', 'line.separator', 'headers.separator', 'null.literal']
  for (const k of Object.keys(props)) {
    if (!known.includes(k)) throw new UsageError(`unknown --property "${k}"; known: ${known.join(', ')}`)
  }
  const on = (k: string, dflt: boolean) => (props[k] === undefined ? dflt : props[k]!.toLowerCase() === 'true')
  const printTimestamp = on('print.timestamp', false)
  const printPartition = on('print.partition', false)
  const printOffset = on('print.offset', false)
  const printHeaders = on('print.headers', false)
  const printKey = on('print.key', false)
  const printValue = on('print.value', true)
  const sep = Buffer.from(props['key.separator'] ?? '\t')
  const eol = Buffer.from(props['line.separator'] ?? '\n')
  const headersSep = props['headers.separator'] ?? ','
  const nullLiteral = Buffer.from(props['null.literal'] ?? 'null')
  return (r) => {
    const fields: Buffer[] = []
    if (printTimestamp) fields.push(Buffer.from(r.timestamp >= 0 ? `${r.timestampType}:${r.timestamp}` : 'NO_TIMESTAMP'))
    if (printPartition) fields.push(Buffer.from(`Partition:${r.partition}`))
    if (printOffset) fields.push(Buffer.from(`Offset:${r.offset}`))
    if (printHeaders) {
      fields.push(
        r.headers.length === 0
          ? Buffer.from('NO_HEADERS')
          : Buffer.from(r.headers.map((h) => `${h.key}:${h.value === null ? 'null' : h.value.toString('utf8')}`).join(headersSep)),
      )
    }
    if (printKey) fields.push(r.key ?? nullLiteral)
    if (printValue) fields.push(r.value ?? nullLiteral)
    const parts: Buffer[] = []
    fields.forEach((f, i) => {
      if (i > 0) parts.push(sep)
      parts.push(f)
    })
    parts.push(eol)
    return Buffer.concat(parts)
  }
}
