// Shared by the samsa drivers: loading samsa, its configs per job, and the
// counting poll() loop.
//
// samsa is loaded from the package's ES module build that bench/run.ts makes
// with scripts/build.mjs in .bench/run/<pid>/samsa-dist/esm/ (BENCH_SAMSA=<dir>:
// the bundle users get from npm), or from src/ through tsx (BENCH_SAMSA=src). Typed loosely
// on purpose: the drivers are written against the API contract and report the
// cell as unavailable while a class is missing.
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { REPO_ROOT, Unavailable, type ConsumeCounter } from '../../lib/driver.js'
import type { Job } from '../../lib/job.js'

export async function samsa (need: Array<'Producer' | 'Consumer' | 'ShareConsumer'>): Promise<any> {
  const from = process.env.BENCH_SAMSA || 'src'
  const entry = from === 'src' ? path.join(REPO_ROOT, 'src', 'index.ts') : path.join(path.resolve(REPO_ROOT, from), 'index.js')
  if (!fs.existsSync(entry)) throw new Unavailable(`${path.relative(REPO_ROOT, entry)} does not exist`)
  const mod = await import(pathToFileURL(entry).href)
  for (const name of need) {
    if (typeof mod[name] !== 'function') throw new Unavailable(`samsa does not export ${name} yet`)
  }
  return mod
}

/** samsa/schema-registry from the same build (or src/). */
export async function samsaSchemaRegistry (): Promise<any> {
  const from = process.env.BENCH_SAMSA || 'src'
  const entry = from === 'src' ? path.join(REPO_ROOT, 'src', 'schema-registry', 'index.ts') : path.join(path.resolve(REPO_ROOT, from), 'schema-registry', 'index.js')
  if (!fs.existsSync(entry)) throw new Unavailable(`${path.relative(REPO_ROOT, entry)} does not exist`)
  return await import(pathToFileURL(entry).href)
}

const acksOf = (job: Job): 'all' | 0 | 1 => job.acks === -1 ? 'all' : job.acks

/**
 * The aligned producer settings of bench/settings.ts (the defaults mode: only
 * bootstrap and acks), with the scale scenarios' limits: max.request.size for
 * large records; buffer.memory and a max.block.ms long enough that sends wait
 * for room rather than fail.
 */
export function producerConfig (job: Job, extra: Record<string, unknown> = {}): Record<string, unknown> {
  if (job.defaults) return { 'bootstrap.servers': job.bootstrap, 'acks': acksOf(job), ...extra }
  return {
    'bootstrap.servers': job.bootstrap,
    'client.id': 'bench',
    'acks': acksOf(job),
    'linger.ms': job.lingerMs,
    'batch.size': job.batchSize,
    'compression.type': job.compression,
    'enable.idempotence': false,
    'max.in.flight.requests.per.connection': 5,
    ...(job.maxMessageBytes ? { 'max.request.size': job.maxMessageBytes } : {}),
    ...(job.bufferMemory ? { 'buffer.memory': job.bufferMemory, 'max.block.ms': 600_000 } : {}),
    ...extra
  }
}

/** The aligned group consumer settings (the defaults mode: bootstrap, group, from earliest). */
export function consumerConfig (job: Job, extra: Record<string, unknown> = {}): Record<string, unknown> {
  if (job.defaults) return { 'bootstrap.servers': job.bootstrap, 'group.id': job.groupId, 'auto.offset.reset': 'earliest', ...extra }
  return {
    'bootstrap.servers': job.bootstrap,
    'client.id': 'bench',
    'group.id': job.groupId,
    'auto.offset.reset': 'earliest',
    'fetch.min.bytes': 1,
    'fetch.max.wait.ms': 500,
    'max.partition.fetch.bytes': job.maxMessageBytes ?? 1024 * 1024,
    'fetch.max.bytes': 50 * 1024 * 1024,
    ...extra
  }
}

export interface PollLoopOptions {
  /** value bytes to count per record (deserialized values have no length) */
  recordBytes?: number
  /** keep polling until this says stop (default: until the counter's target) */
  stop?: () => boolean
  /** after every poll (a group member reports what it owns) */
  afterPoll?: () => void
}

/** poll(500) in a loop, every record checked by (topic, partition, offset) and counted. */
export async function pollLoop (consumer: any, counter: ConsumeCounter, opts: PollLoopOptions = {}): Promise<void> {
  for (;;) {
    const records = await consumer.poll(500)
    opts.afterPoll?.()
    if (records.count > 0) {
      let bytes = 0
      for (const r of records) {
        bytes += opts.recordBytes ?? (r.value ? r.value.length : 0)
        counter.see(r.partition, r.offset, r.topic)
      }
      if (counter.add(records.count, bytes) && !opts.stop) return
    }
    if (opts.stop?.()) return
  }
}
