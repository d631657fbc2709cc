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
import { WakeupError } from '../errors.js'
import { UsageError } from './args.js'
import { formatter, write } from './console-consumer.js'
import { checkReachable, clientConfig, clientProps, note, onStopSignal, type Tool } from './tool.js'

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
    let count = 0
    let stopped = false
    const stop = () => {
      stopped = true
      consumer.wakeup()
    }
    const onStdoutError = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') stop()
    }
    const offStop = onStopSignal(stop)
    process.stdout.on('error', onStdoutError)
    try {
      consumer.subscribe([topic])
      let idleSince = Date.now()
      while (!stopped && (maxMessages === undefined || count < maxMessages)) {
        let records
        try {
          records = await consumer.poll(timeoutMs !== undefined ? Math.min(timeoutMs, 1000) : 1000)
        } catch (e) {
          if (e instanceof WakeupError) break
          throw e
        }
        const chunks: Buffer[] = []
        for (const r of records) {
          // Records beyond --max-messages are released for others.
          if (maxMessages !== undefined && count >= maxMessages) {
            consumer.acknowledge(r, 'release')
            continue
          }
          chunks.push(format(r as ConsumerRecord<Buffer, Buffer>))
          consumer.acknowledge(r, type)
          count++
        }
        if (chunks.length > 0) {
          idleSince = Date.now()
          await write(Buffer.concat(chunks))
        } else if (timeoutMs !== undefined && Date.now() - idleSince >= timeoutMs) {
          note(`No record for ${timeoutMs} ms (--timeout-ms): stopping.`)
          break
        }
      }
      await consumer.commitSync()
    } finally {
      offStop()
      await consumer.close()
      process.stdout.off('error', onStdoutError)
      note(`Processed a total of ${count} messages`)
    }
    return 0
  },
}
