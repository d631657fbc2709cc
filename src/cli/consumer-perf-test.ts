/**
 * `samsa consumer-perf-test`: kafka-consumer-perf-test.sh. Subscribes a
 * fresh group (or `--group`) to `--topic`, reads `--messages` records from
 * the earliest offset (`--from-latest`: from the end), and prints Kafka's
 * summary on stdout:
 *
 *   start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
 *   2024-01-31 12:00:00:000, 2024-01-31 12:00:03:250, 95.3674, 29.3438, 100000, 30769.2308, 210, 3040, 31.3709, 32894.7368
 *
 * Every `--reporting-interval` ms a progress line in the same columns goes to
 * stderr. Rebalance time is from subscribe to the first assignment; fetch
 * time is the rest. When no record arrives for `--timeout` ms it stops early
 * with a warning (and still prints the summary).
 */
import { Consumer } from '../consumer/consumer.js'
import { UsageError } from './args.js'
import { checkReachable, clientConfig, clientProps, note, onStopSignal, out, type Tool } from './tool.js'

const MB = 1024 * 1024
const HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec'

export const tool: Tool = {
  name: 'consumer-perf-test',
  summary: 'Measure consumer throughput.',
  options: [
    { name: 'topic', kind: 'value', arg: '<topic>', help: 'Topic to consume (required)' },
    { name: 'messages', kind: 'value', arg: '<n>', help: 'Records to consume (required)' },
    { name: 'group', kind: 'value', arg: '<group>', help: 'Consumer group', default: 'perf-consumer-<random>' },
    { name: 'from-latest', kind: 'flag', help: 'Start at the end of the topic instead of the beginning' },
    { name: 'fetch-size', kind: 'value', arg: '<bytes>', help: 'max.partition.fetch.bytes' },
    { name: 'timeout', kind: 'value', arg: '<ms>', help: 'Stop when no record arrives for this long', default: '10000' },
    { name: 'reporting-interval', kind: 'value', arg: '<ms>', help: 'Progress line interval (stderr)', default: '5000' },
    { name: 'hide-header', kind: 'flag', help: 'Print the summary without its header line' },
    { name: 'consumer-property', kind: 'repeat', arg: '<name=value>', help: 'A consumer config' },
    { name: 'consumer.config', kind: 'value', arg: '<file>', help: 'Java .properties file of consumer configs' },
  ],
  notes: ['Example:', '  samsa consumer-perf-test --topic perf --messages 1000000'],
  async run(args) {
    const topic = args.required('topic')
    const messages = args.int('messages')
    if (messages === undefined || messages < 1) throw new UsageError('--messages is required and must be at least 1')
    const timeoutMs = args.int('timeout', 10000)
    const interval = args.int('reporting-interval', 5000)
    if (timeoutMs < 1 || interval < 1) throw new UsageError('--timeout and --reporting-interval must be at least 1 ms')
    const props = clientProps(args, 'consumer.config', 'consumer-property')
    const config = clientConfig(args, {
      'client.id': 'perf-consumer-client',
      'group.id': args.value('group') ?? `perf-consumer-${Math.floor(Math.random() * 100000)}`,
      'auto.offset.reset': args.has('from-latest') ? 'latest' : 'earliest',
      'enable.auto.commit': 'false',
      ...(args.has('fetch-size') ? { 'max.partition.fetch.bytes': args.int('fetch-size') } : {}),
      ...props,
    })
    await checkReachable(config)

    const consumer = new Consumer(config as never)
    const start = Date.now()
    let assignedAt: number | undefined
    let count = 0
    let bytes = 0
    let stopped = false
    const stop = () => {
      stopped = true
      consumer.wakeup()
    }
    const offStop = onStopSignal(stop)
    let windowStart = start
    let windowCount = 0
    let windowBytes = 0
    let lastRecordAt = Date.now()
    try {
      consumer.subscribe([topic], { onPartitionsAssigned: (tps) => void (tps.length > 0 && (assignedAt ??= Date.now())) })
      while (!stopped && count < messages) {
        let records
        try {
          records = await consumer.poll(Math.min(1000, timeoutMs))
        } catch (e) {
          if ((e as { type?: string }).type === 'WAKEUP') break
          throw e
        }
        const now = Date.now()
        for (const r of records) {
          count++
          windowCount++
          const size = (r.key ? (r.key as Buffer).length : 0) + (r.value ? (r.value as Buffer).length : 0)
          bytes += size
          windowBytes += size
        }
        if (records.count > 0) lastRecordAt = now
        else if (now - lastRecordAt >= timeoutMs) {
          note(`WARNING: Exiting before consuming the expected number of messages: timeout (${timeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.`)
          break
        }
        if (now - windowStart >= interval) {
          note(line(windowStart, now, windowBytes, windowCount, 0, now - windowStart))
          windowStart = now
          windowCount = 0
          windowBytes = 0
        }
      }
    } finally {
      offStop()
      await consumer.close()
    }
    const end = Date.now()
    const rebalance = (assignedAt ?? end) - start
    await out((args.has('hide-header') ? '' : `${HEADER}\n`) + line(start, end, bytes, count, rebalance, end - start - rebalance) + '\n')
    return 0
  },
}

/** One row in Kafka's columns. */
function line(from: number, to: number, bytes: number, count: number, rebalanceMs: number, fetchMs: number): string {
  const secs = Math.max(1, to - from) / 1000
  const fetchSecs = Math.max(1, fetchMs) / 1000
  const mb = bytes / MB
  return [
    timestamp(from),
    timestamp(to),
    mb.toFixed(4),
    (mb / secs).toFixed(4),
    String(count),
    (count / secs).toFixed(4),
    String(rebalanceMs),
    String(fetchMs),
    (mb / fetchSecs).toFixed(4),
    (count / fetchSecs).toFixed(4),
  ].join(', ')
}

/** Java's "yyyy-MM-dd HH:mm:ss:SSS" in local time. */
export function timestamp(ms: number): string {
  const d = new Date(ms)
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}:${p(d.getMilliseconds(), 3)}`
}
