/**
 * The runtime every Node client driver shares: reads its Job, measures the
 * process (CPU over the client's life, peak RSS), feeds producers the same
 * way for every client, counts consumed records, runs the end-to-end latency
 * loop, and writes the DriverReport. A driver only adapts its client's API.
 *
 * A driver whose client cannot be loaded, or that does not support the
 * scenario, throws Unavailable: the harness reports the cell as n/a.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { pathToFileURL, fileURLToPath } from 'node:url'
import type { DriverReport, Job } from './job.js'
import { makePayloads } from './payload.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
/** bench/run.ts runs the drivers compiled into .bench/drivers/ and says where the checkout is */
export const REPO_ROOT = process.env.BENCH_ROOT || path.resolve(HERE, '..', '..')
export const PEERS_DIR = path.join(REPO_ROOT, '.bench', 'peers')

export class Unavailable extends Error {}

export function readJob (): Job {
  const text = process.env.BENCH_JOB
  if (!text) throw new Error('BENCH_JOB is not set: drivers are started by bench/run.ts')
  return JSON.parse(text) as Job
}

/** Loads a peer client from .bench/peers (installed by bench/setup.sh), CJS or ESM. */
export async function importPeer (name: string): Promise<any> {
  const pkgDir = path.join(PEERS_DIR, 'node_modules', name)
  let pkg: { main?: string, module?: string, type?: string, exports?: any }
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'))
  } catch {
    throw new Unavailable(`${name} is not installed (run: bash bench/setup.sh)`)
  }
  if (pkg.type === 'module') {
    const dot = typeof pkg.exports === 'string' ? pkg.exports : pkg.exports?.['.']
    const entry = typeof dot === 'string' ? dot : dot?.import?.default ?? dot?.import ?? dot?.default ?? pkg.module ?? pkg.main ?? 'index.js'
    return await import(pathToFileURL(path.join(pkgDir, typeof entry === 'string' ? entry : 'index.js')).href)
  }
  try {
    return createRequire(path.join(PEERS_DIR, 'package.json'))(name)
  } catch (err) {
    throw new Unavailable(`${name} does not load: ${(err as Error).message.split('\n')[0]}`)
  }
}

/** Process CPU (all threads) and wall time since construction. */
export class Meter {
  private readonly cpu0 = process.cpuUsage()
  readonly t0 = performance.now()
  cpuUs (): number {
    const d = process.cpuUsage(this.cpu0)
    return d.user + d.system
  }
}

export function peakRssMb (): number {
  return process.resourceUsage().maxRSS / 1024 // maxRSS is in KiB
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export function percentile (sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))
  return sorted[i]!
}

export function latencyFigures (samples: Float64Array | number[]): Pick<DriverReport, 'p50Ms' | 'p99Ms' | 'p999Ms'> {
  const sorted = Float64Array.from(samples).sort()
  return { p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), p999Ms: percentile(sorted, 0.999) }
}

export function payloads (job: Job): Buffer[] {
  return makePayloads(job.valueSize)
}

// ------------------------------------------------------------------ produce

/**
 * How a producer is fed. Clients that accumulate records themselves (linger,
 * batch size) get `sendOne`: one call per record, at most `window` records
 * unacknowledged (like buffer.memory). Clients without an accumulator get
 * `sendMany`: arrays of `callSize` records, at most `concurrency` calls
 * outstanding. `awaited` scenarios send one record and await it, then the next.
 */
export interface ProduceAdapter {
  /** `topic`: where this record goes (job.topics round robin) */
  sendOne?: (value: Buffer, done: (error: unknown) => void, topic: string) => void
  /** every record of one call goes to `topic` (job.topics round robin by call) */
  sendMany?: (values: Buffer[], topic: string) => Promise<unknown>
  /** called once after the last send (sendOne clients that need a poll/flush kick) */
  flush?: () => Promise<unknown>
}

/**
 * The one bound on unacknowledged bytes every producer gets (issue 10: samsa and
 * librdkafka were held at 16 MiB, the array-fed clients at about 1.9 MiB):
 * sendOne clients at most this many value bytes unacknowledged, sendMany
 * clients as many calls outstanding as fit in it, the Java tool buffer.memory.
 */
export const UNACKED_BYTES = 16 * 1024 * 1024

export interface ProduceOptions {
  /** max unacknowledged records for sendOne (default: UNACKED_BYTES worth) */
  window?: number
  /** records per sendMany call (default: batch.size worth for each partition, within max.message.bytes: see callShape) */
  callSize?: number
  /** sendMany calls outstanding (default: as many calls as fit in UNACKED_BYTES) */
  concurrency?: number
  /**
   * The client puts all the records of one call into one partition's batch
   * (@kafkats/client: a call's keyless records share a sticky partition), so a
   * call holds at most what fits one batch within max.message.bytes
   */
  oneBatchPerCall?: boolean
}

/**
 * Records a sendOne client is fed ahead of its acknowledgements: UNACKED_BYTES
 * worth; a producer held at its own buffer bound (job.bufferMemory) twice that
 * bound, so its buffer stays full and sends wait for room.
 */
export function feedWindow (job: Pick<Job, 'valueSize' | 'bufferMemory'>): number {
  const bytes = job.bufferMemory ? 2 * job.bufferMemory : UNACKED_BYTES
  return Math.max(64, Math.floor(bytes / job.valueSize))
}

/** cpuUs: process CPU over the timed window only (after connecting and warming up) */
export interface ProduceOutcome { records: number, bytes: number, elapsedMs: number, cpuUs: number, latencies?: Float64Array, note?: string }

const cpuNow = (): number => { const c = process.cpuUsage(); return c.user + c.system }

/**
 * Records per sendMany call and calls outstanding. A call's records become one
 * batch per partition: each must fit the topic's max.message.bytes (the
 * broker's default 1 MiB + 12 when the scenario sets none), which batch.size ×
 * partitions / value size overshoots by the records' framing when batch.size
 * is 1 MiB (KafkaJS, kafkats and platformatic were refused MESSAGE_TOO_LARGE
 * on every produce-64KiB run with 96 records per call). A client that puts a
 * whole call into one partition gets one batch's worth per call (kafkats: 90
 * records of 64 KiB went into one batch).
 */
export function callShape (job: Pick<Job, 'maxMessageBytes' | 'valueSize' | 'partitions' | 'batchSize'>, opts: ProduceOptions = {}): { callSize: number, concurrency: number } {
  const perBatch = Math.max(1, Math.floor(((job.maxMessageBytes ?? 1_048_588) - 4096) / (job.valueSize + 64)))
  const fitting = opts.oneBatchPerCall ? perBatch : perBatch * job.partitions
  const callSize = opts.callSize ?? Math.max(1, Math.min(Math.floor(job.batchSize * job.partitions / job.valueSize), fitting))
  const concurrency = opts.concurrency ?? Math.max(1, Math.floor(UNACKED_BYTES / (callSize * job.valueSize)))
  return { callSize, concurrency }
}

export async function produce (job: Job, adapter: ProduceAdapter, opts: ProduceOptions = {}): Promise<ProduceOutcome> {
  const values = payloads(job)
  const n = job.count
  const topics = job.topics
  if (job.awaited) return await produceAwaited(job, adapter, values)
  if (adapter.sendOne) {
    const sendOne = adapter.sendOne
    const window = opts.window ?? feedWindow(job)
    let acked = 0
    let outstanding = 0
    let failed: unknown = null
    let wake: (() => void) | null = null
    let lastAck = 0
    const done = (error: unknown): void => {
      outstanding--
      if (error) failed ??= error
      else { acked++; lastAck = performance.now() }
      if (wake && (outstanding <= window / 2 || outstanding === 0)) { const w = wake; wake = null; w() }
    }
    const c0 = cpuNow()
    const t0 = performance.now()
    for (let i = 0; i < n; i++) {
      if (failed) throw failed
      while (outstanding >= window) await new Promise<void>((resolve) => { wake = resolve })
      outstanding++
      sendOne(values[i % values.length]!, done, topics[i % topics.length]!)
    }
    if (adapter.flush) await adapter.flush()
    while (outstanding > 0) await new Promise<void>((resolve) => { wake = resolve })
    if (failed) throw failed
    return { records: acked, bytes: acked * job.valueSize, elapsedMs: lastAck - t0, cpuUs: cpuNow() - c0, note: `per-record sends, ≤${window} unacknowledged` }
  }
  const sendMany = adapter.sendMany!
  const { callSize, concurrency } = callShape(job, opts)
  let acked = 0
  let lastAck = 0
  const c0 = cpuNow()
  const t0 = performance.now()
  let next = 0
  let calls = 0
  const lane = async (): Promise<void> => {
    while (next < n) {
      const from = next
      const to = Math.min(n, from + callSize)
      next = to
      const batch = new Array<Buffer>(to - from)
      for (let i = from; i < to; i++) batch[i - from] = values[i % values.length]!
      await sendMany(batch, topics[calls++ % topics.length]!)
      acked += to - from
      lastAck = performance.now()
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
  return { records: acked, bytes: acked * job.valueSize, elapsedMs: lastAck - t0, cpuUs: cpuNow() - c0, note: `arrays of ${callSize} records, ≤${concurrency} calls outstanding (≤${(callSize * concurrency * job.valueSize / 2 ** 20).toFixed(1)} MiB unacknowledged)` }
}

/**
 * Unmeasured awaited sends before the timed ones, for every client alike:
 * a tenth of the count, at least 20 and at most 1,000. A JIT compiles a
 * client's send path during the first few thousand sends (samsa: about 0.26 s
 * of V8's background threads), which in a window of a few thousand awaited
 * sends would be a third of the CPU charged; the Java drivers get a quarter
 * of the count for the same reason.
 */
export const awaitedWarmup = (count: number): number => Math.min(1000, Math.max(20, Math.floor(count / 10)))

async function produceAwaited (job: Job, adapter: ProduceAdapter, values: Buffer[]): Promise<ProduceOutcome> {
  const one: (value: Buffer) => Promise<unknown> = adapter.sendOne
    ? (value) => new Promise<void>((resolve, reject) => adapter.sendOne!(value, (err) => err ? reject(err) : resolve(), job.topic))
    : (value) => adapter.sendMany!([value], job.topic)
  // unmeasured sends first: connections, metadata, and the JIT's first compilations
  const warmup = awaitedWarmup(job.count)
  for (let i = 0; i < warmup; i++) await one(values[i % values.length]!)
  const latencies = new Float64Array(job.count)
  const c0 = cpuNow()
  const t0 = performance.now()
  let before = t0
  for (let i = 0; i < job.count; i++) {
    await one(values[i % values.length]!)
    const after = performance.now()
    latencies[i] = after - before
    before = after
  }
  return { records: job.count, bytes: job.count * job.valueSize, elapsedMs: before - t0, cpuUs: cpuNow() - c0, latencies, note: `one awaited send at a time, after ${warmup} unmeasured ones` }
}

// ------------------------------------------------------------------ consume

/**
 * Counts received records; resolves `done` at job.count. Drivers also pass
 * each record's partition and offset to `see`, which checks them against the
 * partition's next expected offset (topics start at offset 0): a lower one is
 * a duplicate, a higher one leaves a gap.
 */
export class ConsumeCounter {
  records = 0
  bytes = 0
  firstAt = 0
  lastAt = 0
  /** process CPU (µs) at the first record and at the target: the window of elapsedMs */
  firstCpu = 0
  lastCpu = 0
  duplicates = 0
  gaps = 0
  private readonly next: number[] = []
  private resolve!: () => void
  readonly done: Promise<void> = new Promise((resolve) => { this.resolve = resolve })
  /** when the driver created the consumer (performance.now()); joinMs and fromCreateMs count from here */
  createdAt = performance.now()
  constructor (readonly target: number) {}
  /** Call right before creating the consumer: module loading and client set-up before it are not the join. */
  created (): void { this.createdAt = performance.now() }
  /** n records with `bytes` value bytes arrived; returns true once the target is reached */
  add (n: number, bytes: number): boolean {
    const now = performance.now()
    if (this.records === 0) { this.firstAt = now; this.firstCpu = cpuNow() }
    this.records += n
    this.bytes += bytes
    this.lastAt = now
    if (this.records - this.duplicates >= this.target) {
      if (this.lastCpu === 0) this.lastCpu = cpuNow()
      this.resolve()
      return true
    }
    return false
  }

  /**
   * One received record (offset as the client gives it: number, string or
   * bigint). `topic` is needed where the job has more than one topic.
   */
  see (partition: number, offset: number | string | bigint, topic?: string): void {
    const next = topic === undefined || topic === this.lastTopic ? this.lastNext : this.nextOf(topic)
    const o = Number(offset)
    const expected = next[partition] ?? 0
    if (o < expected) { this.duplicates++; return }
    if (o > expected) this.gaps += o - expected
    next[partition] = o + 1
  }

  private lastTopic: string | undefined
  private lastNext = this.next
  private readonly byTopic = new Map<string, number[]>()
  private nextOf (topic: string): number[] {
    let next = this.byTopic.get(topic)
    if (!next) {
      // the first topic seen keeps using `next`, so a one-topic job pays no lookup
      next = this.byTopic.size === 0 ? this.next : []
      this.byTopic.set(topic, next)
    }
    this.lastTopic = topic
    this.lastNext = next
    return next
  }
}

/**
 * ConsumeCounter for a group of `members` consumers in one process (role
 * group): each member reports how many partitions it owns after every
 * assignment change (`owns`); `allOwnAt` is when every member first owned
 * partitions and together all `partitions` of the topic.
 */
export class GroupCounter extends ConsumeCounter {
  allOwnAt = 0
  recordsAtAllOwn = 0
  private readonly owned: number[]
  private resolveOwn!: () => void
  readonly allOwn: Promise<void> = new Promise((resolve) => { this.resolveOwn = resolve })
  constructor (target: number, readonly members: number, readonly partitions: number) {
    super(target)
    this.owned = new Array<number>(members).fill(0)
  }

  /** Member `member` now owns `count` partitions. */
  owns (member: number, count: number): void {
    this.owned[member] = count
    if (this.allOwnAt !== 0) return
    if (this.owned.every((n) => n > 0) && this.owned.reduce((a, b) => a + b, 0) === this.partitions) {
      this.allOwnAt = performance.now()
      this.recordsAtAllOwn = this.records
      this.resolveOwn()
    }
  }

  /** Resolves once N distinct records arrived and every member owned partitions (rejects after `timeoutMs`). */
  async finished (timeoutMs = 120_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => { reject(new Error(`after ${timeoutMs} ms: ${this.records} records, members own ${this.owned.join(', ')} of ${this.partitions} partitions`)) }, timeoutMs)
    })
    try {
      await Promise.race([Promise.all([this.done, this.allOwn]), timeout])
    } finally {
      clearTimeout(timer)
    }
  }
}

/** A handler for clients that hand over one record at a time ({ topic, partition, offset, value }). */
export function countEach (counter: ConsumeCounter): (m: { topic: string, partition: number, offset: number | string | bigint, value?: Buffer | null }) => void {
  return (m) => {
    counter.see(m.partition, m.offset, m.topic)
    counter.add(1, m.value ? m.value.length : 0)
  }
}

/**
 * ConsumeCounter for share group members: records of a partition may come in
 * any order (concurrent handlers, redeliveries), so each (partition, offset)
 * is marked in a bitmap; a record already marked is a duplicate. Gaps cannot
 * be told apart from records not delivered yet: the harness checks that N
 * distinct records arrived.
 */
export class ShareCounter extends ConsumeCounter {
  private readonly seen: Uint8Array[] = []
  override see (partition: number, offset: number | string | bigint): void {
    const o = Number(offset)
    let bits = this.seen[partition] ?? (this.seen[partition] = new Uint8Array(1 << 16))
    if ((o >> 3) >= bits.length) {
      const grown = new Uint8Array(Math.max(bits.length * 2, (o >> 3) + 1))
      grown.set(bits)
      bits = this.seen[partition] = grown
    }
    const mask = 1 << (o & 7)
    if (bits[o >> 3]! & mask) this.duplicates++
    else bits[o >> 3] = bits[o >> 3]! | mask
  }
}

// ------------------------------------------------------------------ e2e

/**
 * End-to-end latency at a fixed rate, producer and consumer in this process
 * (one clock). Each value carries its intended send time (float64 at byte 0)
 * and a phase byte at 8 (0 warm-up, 1 measured); latency = receive time -
 * intended send time, so a stalled sender shows up as latency (no coordinated
 * omission). The consumer joins first; warm-up records flow until it receives
 * one, then 1 s more, then job.count measured records at job.rate.
 */
export interface E2EAdapter {
  send: (value: Buffer) => void | Promise<unknown>
  /** start consuming job.topic; call onValue for every record value */
  startConsumer: (onValue: (value: Buffer) => void) => Promise<void>
}

export async function endToEnd (job: Job, adapter: E2EAdapter): Promise<ProduceOutcome> {
  const pool = payloads(job)
  const latencies = new Float64Array(job.count)
  let received = 0
  let warmReceived = 0
  let resolveDone!: () => void
  const done = new Promise<void>((resolve) => { resolveDone = resolve })
  await adapter.startConsumer((value) => {
    const now = performance.now()
    if (value[8] === 1) {
      if (received < job.count) latencies[received] = now - value.readDoubleBE(0)
      if (++received === job.count) resolveDone()
    } else {
      warmReceived++
    }
  })
  const make = (i: number, at: number, phase: number): Buffer => {
    const v = Buffer.from(pool[i % pool.length]!)
    v.writeDoubleBE(at, 0)
    v[8] = phase
    return v
  }
  const sendErr = (err: unknown): void => { process.stderr.write(`send failed: ${String(err)}\n`) }
  const fire = (v: Buffer): void => {
    const r = adapter.send(v)
    if (r && typeof (r as Promise<unknown>).catch === 'function') (r as Promise<unknown>).catch(sendErr)
  }
  // warm-up: until the consumer sees records, then one more second at the rate
  const warmDeadline = performance.now() + 60_000
  let w = 0
  while (warmReceived === 0) {
    if (performance.now() > warmDeadline) throw new Error('the consumer received nothing within 60 s')
    fire(make(w++, performance.now(), 0))
    await sleep(50)
  }
  const intervalMs = 1000 / job.rate
  const paced = async (count: number, phase: number): Promise<void> => {
    const start = performance.now()
    let i = 0
    while (i < count) {
      const now = performance.now()
      while (i < count && start + i * intervalMs <= now) {
        fire(make(i, start + i * intervalMs, phase))
        i++
      }
      if (i < count) await sleep(Math.max(0, start + i * intervalMs - performance.now()))
    }
  }
  await paced(job.rate, 0)
  const c0 = cpuNow()
  const t0 = performance.now()
  await paced(job.count, 1)
  const timeout = sleep(30_000).then(() => { throw new Error(`only ${received} of ${job.count} measured records arrived`) })
  await Promise.race([done, timeout])
  return {
    records: received,
    bytes: received * job.valueSize,
    elapsedMs: performance.now() - t0,
    cpuUs: cpuNow() - c0,
    latencies,
    note: `${job.rate} records/s for ${(job.count / job.rate).toFixed(0)} s`
  }
}

// ------------------------------------------------------------------ main

/**
 * Runs a driver: `body` builds the client, does the work and returns the
 * report; `close` (optional, untimed) releases the client. Writes the report
 * and exits the process.
 */
export type ReportBody = Omit<DriverReport, 'cpuUs' | 'rssMb'> & Partial<Pick<DriverReport, 'cpuUs' | 'rssMb'>>

export async function runDriver (body: (job: Job, meter: Meter) => Promise<{ report: ReportBody, close?: () => Promise<unknown> }>): Promise<never> {
  const job = readJob()
  // before the body loads the client's module
  const runtimeRssMb = process.memoryUsage.rss() / 2 ** 20
  const write = (report: DriverReport): void => { fs.writeFileSync(job.resultFile, JSON.stringify(report) + '\n') }
  try {
    const meter = new Meter()
    const { report, close } = await body(job, meter)
    const cpuUs = meter.cpuUs()
    // drivers of other processes (Java) measure those themselves (and have no runtimeRssMb)
    write({ cpuUs, rssMb: peakRssMb(), ...(report.rssMb === undefined ? { runtimeRssMb } : {}), ...report })
    if (close) await Promise.race([close().catch(() => {}), sleep(5000)])
    process.exit(0)
  } catch (err) {
    if (err instanceof Unavailable) {
      write({ unavailable: err.message, records: 0, bytes: 0, elapsedMs: 0, cpuUs: 0, rssMb: 0 })
      process.exit(0)
    }
    process.stderr.write(`${job.client} ${job.role} failed: ${(err as Error)?.stack ?? String(err)}\n`)
    process.exit(1)
  }
}

/** A DriverReport body from a produce outcome. */
export function produced (o: ProduceOutcome): ReportBody {
  return { records: o.records, bytes: o.bytes, elapsedMs: o.elapsedMs, cpuUs: o.cpuUs, ...(o.latencies ? latencyFigures(o.latencies) : {}), ...(o.note ? { note: o.note } : {}) }
}

/** A DriverReport body from a consume counter (a group's: join = until all members own partitions). */
export function consumed (c: ConsumeCounter, _meter: Meter, note?: string): ReportBody {
  return {
    records: c.records,
    bytes: c.bytes,
    elapsedMs: c.lastAt - c.firstAt,
    joinMs: c.firstAt - c.createdAt,
    fromCreateMs: c.lastAt - c.createdAt,
    ...(c.lastCpu > 0 ? { windowCpuUs: c.lastCpu - c.firstCpu } : {}),
    distinct: c.records - c.duplicates,
    duplicates: c.duplicates,
    gaps: c.gaps,
    ...(c instanceof GroupCounter
      ? { joinMs: c.allOwnAt - c.createdAt, afterOwnRecords: c.records - c.recordsAtAllOwn, afterOwnMs: Math.max(0, c.lastAt - c.allOwnAt) }
      : {}),
    ...(note ? { note } : {})
  }
}
