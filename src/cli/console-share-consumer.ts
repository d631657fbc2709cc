/**
 * `samsa console-share-consumer`: kafka-console-share-consumer.sh. Reads a
 * topic through a share group (KIP-932; default group
 * "console-share-consumer") and prints each record as console-consumer does
 * (Kafka's DefaultMessageFormatter, `--property print.*`). Every record
 * printed is accepted, or released (`--release`) or rejected (`--reject`).
 *
 * Contract: stops after `--max-messages`, after `--timeout-ms` without a
 * record, on SIGINT/SIGTERM, or when stdout closes; then acknowledges what it
 * printed, leaves the group, prints "Processed a total of N messages" to
 * stderr and exits 0.
 */
import { ShareConsumer } from '../share-consumer/share-consumer.js'
import type { ConsumerRecord } from '../consumer/records.js'
import { UsageError } from './args.js'
import { formatter } from './console-consumer.js'
import { printRecords } from './print-loop.js'
import { checkReachable, clientConfig, clientProps, type Tool } from './tool.js'

export const tool: Tool = {
  name: 'console-share-consumer',
  summary: 'Read records through a share group and print them to stdout, one per line.',
  options: [
    { name: 'topic', kind: 'value', arg: '<topic>', help: 'Topic to consume' },
    { name: 'group', kind: 'value', arg: '<group>', help: 'Share group', default: 'console-share-consumer' },
    { name: 'max-messages', kind: 'value', arg: '<n>', help: 'Exit after printing this many records' },
    { name: 'timeout-ms', kind: 'value', arg: '<ms>', help: 'Exit when no record arrives for this long' },
    { name: 'release', kind: 'flag', help: 'Release each record printed (it is delivered again) instead of accepting it' },
    { name: 'reject', kind: 'flag', help: 'Reject each record printed (never delivered again) instead of accepting it' },
    { name: 'property', kind: 'repeat', arg: '<name=value>', help: 'Formatter settings, as console-consumer: print.key, print.value, print.timestamp, print.partition, print.offset, print.headers, key.separator, line.separator, headers.separator, null.literal' },
    { name: 'consumer-property', kind: 'repeat', arg: '<name=value>', help: 'A share consumer config, e.g. --consumer-property max.poll.records=10' },
    { name: 'consumer-config', kind: 'value', arg: '<file>', help: 'Java .properties file of share consumer configs' },
  ],
  notes: [
    'Examples:',
    '  samsa console-share-consumer --topic jobs --group workers --max-messages 10',
    'A new share group starts at the latest offset: set its share.auto.offset.reset group config to earliest',
    '(samsa configs --alter --entity-type groups --entity-name workers --add-config share.auto.offset.reset=earliest).',
  ],
  async run(args) {
    const topic = args.value('topic')
    if (topic === undefined) throw new UsageError('--topic is required')
    if (args.has('release') && args.has('reject')) throw new UsageError('give at most one of --release and --reject')
    const maxMessages = args.int('max-messages')
    if (maxMessages !== undefined && maxMessages < 1) throw new UsageError('--max-messages must be at least 1')
    const timeoutMs = args.int('timeout-ms')
    const format = formatter(args.keyValues('property'))
    const type = args.has('release') ? 'release' : args.has('reject') ? 'reject' : 'accept'
    const userProps = clientProps(args, 'consumer-config', 'consumer-property')
    const config = clientConfig(args, {
      'client.id': 'console-share-consumer',
      'group.id': args.value('group', 'console-share-consumer'),
      ...userProps,
      'share.acknowledgement.mode': 'explicit',
    })
    await checkReachable(config)
    const consumer = new ShareConsumer(config as never)
    await printRecords(consumer, {
      maxMessages,
      timeoutMs,
      start: () => consumer.subscribe([topic]),
      format(r) {
        const line = format(r as ConsumerRecord<Buffer, Buffer>)
        consumer.acknowledge(r, type)
        return line
      },
      // Records beyond --max-messages are released for others.
      beyondMax: (r) => consumer.acknowledge(r, 'release'),
      finish: async () => {
        await consumer.commitSync()
      },
    })
    return 0
  },
}
