/**
 * `samsa producer-perf-test`: kafka-producer-perf-test.sh. Sends
 * `--num-records` records of `--record-size` bytes (random letters A-Z, one
 * payload for all records, as Java) or lines of `--payload-file`, at most
 * `--throughput` records/s (-1: as fast as possible).
 *
 * Output, in Kafka's formats: every 5 s a progress line on stderr
 *   `N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency.`
 * and at the end the summary on stdout
 *   `N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, P999 ms 99.9th.`
 * Latency is from send() to the acknowledgement; MB is 2^20 bytes.
 *
 * Contract: exits 0 when every record was acknowledged; otherwise prints one
 * line with the number that failed and the first error, and exits 1.
 */
import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { Producer } from '../producer/producer.js'
import { UsageError } from './args.js'
import { checkReachable, clientConfig, clientProps, note, out, sendFailures, type Tool } from './tool.js'

const REPORT_EVERY_MS = 5000
const MAX_PENDING = 50000

export const tool: Tool = {
  name: 'producer-perf-test',
  summary: 'Measure producer throughput and latency.',
  options: [
    { name: 'topic', kind: 'value', arg: '<topic>', help: 'Topic to produce to (required)' },
    { name: 'num-records', kind: 'value', arg: '<n>', help: 'Records to send (required)' },
    { name: 'record-size', kind: 'value', arg: '<bytes>', help: 'Size of each record (this or --payload-file)' },
    { name: 'payload-file', kind: 'value', arg: '<file>', help: 'Send payloads read from this file, split by --payload-delimiter, chosen at random' },
    { name: 'payload-delimiter', kind: 'value', arg: '<s>', help: 'Delimiter of --payload-file', default: '\\n' },
    { name: 'throughput', kind: 'value', arg: '<records/s>', help: 'Upper bound on records per second; -1: no bound (required)' },
    { name: 'producer-props', kind: 'values', arg: '<name=value>', help: 'Producer configs, e.g. --producer-props acks=1 linger.ms=5' },
    { name: 'producer.config', kind: 'value', arg: '<file>', help: 'Java .properties file of producer configs' },
  ],
  notes: ['Example:', '  samsa producer-perf-test --topic perf --num-records 1000000 --record-size 100 --throughput -1 --producer-props acks=1'],
  async run(args) {
    const topic = args.required('topic')
    const numRecords = args.int('num-records')
    if (numRecords === undefined || numRecords < 1) throw new UsageError('--num-records is required and must be at least 1')
    const throughput = args.int('throughput')
    if (throughput === undefined || throughput === 0 || throughput < -1) throw new UsageError('--throughput is required: records per second, or -1 for no bound')
    const payloads = payloadsFrom(args.int('record-size'), args.value('payload-file'), args.value('payload-delimiter', '\n'))
    const config = clientConfig(args, { 'client.id': 'perf-producer-client', ...clientProps(args, 'producer.config', 'producer-props') })
    await checkReachable(config)

    const producer = new Producer(config as never)
    const stats = new Stats(numRecords)
    let failed = 0
    let firstError: Error | undefined
    let pending = 0
    let wakeSender: (() => void) | undefined
    const start = Date.now()
    try {
      for (let i = 0; i < numRecords; i++) {
        if (throughput > 0) {
          const due = start + (i * 1000) / throughput
          const wait = due - Date.now()
          if (wait > 1) await sleep(wait)
        }
        if (pending >= MAX_PENDING) await new Promise<void>((r) => (wakeSender = r))
        const value = payloads.length === 1 ? payloads[0]! : payloads[Math.floor(Math.random() * payloads.length)]!
        const sentAt = performance.now()
        pending++
        producer.send({ topic, value }, (err) => {
          pending--
          if (err) {
            failed++
            firstError ??= err
          } else {
            stats.record(performance.now() - sentAt, value.length)
          }
          if (wakeSender && pending < MAX_PENDING / 2) {
            const w = wakeSender
            wakeSender = undefined
            w()
          }
        })
        stats.maybeReport()
      }
      await producer.flush()
    } finally {
      await producer.close()
    }
    await out(stats.summary() + '\n')
    if (failed > 0) throw sendFailures(failed, numRecords, firstError!)
    return 0
  },
}

function payloadsFrom(recordSize: number | undefined, file: string | undefined, delimiter: string): Buffer[] {
  if ((recordSize === undefined) === (file === undefined)) throw new UsageError('give exactly one of --record-size and --payload-file')
  if (recordSize !== undefined) {
    if (recordSize < 0) throw new UsageError('--record-size must be >= 0')
    const b = Buffer.allocUnsafe(recordSize)
    for (let i = 0; i < recordSize; i++) b[i] = 65 + Math.floor(Math.random() * 26)
    return [b]
  }
  let text: string
  try {
    text = fs.readFileSync(file!, 'utf8')
  } catch (e) {
    throw new UsageError(`cannot read --payload-file "${file}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
  const sep = delimiter.replace(/\\n/g, '\n').replace(/\\t/g, '\t')
  const list = text.split(sep).filter((s) => s !== '').map((s) => Buffer.from(s, 'utf8'))
  if (list.length === 0) throw new UsageError(`--payload-file "${file}" holds no payloads`)
  return list
}

const MB = 1024 * 1024

/** Java's ProducerPerformance.Stats: totals, a 5 s window, sampled latencies for percentiles. */
class Stats {
  private readonly start = Date.now()
  private count = 0
  private bytes = 0
  private totalLatency = 0
  private maxLatency = 0
  private readonly samples: number[] = []
  private readonly sampleEvery: number
  private index = 0
  private windowStart = Date.now()
  private windowCount = 0
  private windowBytes = 0
  private windowLatency = 0
  private windowMax = 0

  constructor(numRecords: number) {
    this.sampleEvery = Math.max(1, Math.floor(numRecords / 500000))
  }

  record(latencyMs: number, bytes: number): void {
    const latency = Math.round(latencyMs)
    this.count++
    this.bytes += bytes
    this.totalLatency += latency
    this.maxLatency = Math.max(this.maxLatency, latency)
    this.windowCount++
    this.windowBytes += bytes
    this.windowLatency += latency
    this.windowMax = Math.max(this.windowMax, latency)
    if (this.index++ % this.sampleEvery === 0) this.samples.push(latency)
    this.maybeReport()
  }

  maybeReport(): void {
    const now = Date.now()
    if (now - this.windowStart < REPORT_EVERY_MS) return
    const secs = (now - this.windowStart) / 1000
    note(
      `${this.windowCount} records sent, ${(this.windowCount / secs).toFixed(1)} records/sec (${(this.windowBytes / MB / secs).toFixed(2)} MB/sec), ` +
        `${(this.windowCount ? this.windowLatency / this.windowCount : 0).toFixed(1)} ms avg latency, ${this.windowMax.toFixed(1)} ms max latency.`,
    )
    this.windowStart = now
    this.windowCount = 0
    this.windowBytes = 0
    this.windowLatency = 0
    this.windowMax = 0
  }

  summary(): string {
    const secs = Math.max(1, Date.now() - this.start) / 1000
    const sorted = [...this.samples].sort((a, b) => a - b)
    const pct = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!)
    return (
      `${this.count} records sent, ${(this.count / secs).toFixed(6)} records/sec (${(this.bytes / MB / secs).toFixed(2)} MB/sec), ` +
      `${(this.count ? this.totalLatency / this.count : 0).toFixed(2)} ms avg latency, ${this.maxLatency.toFixed(2)} ms max latency, ` +
      `${pct(0.5)} ms 50th, ${pct(0.95)} ms 95th, ${pct(0.99)} ms 99th, ${pct(0.999)} ms 99.9th.`
    )
  }
}
