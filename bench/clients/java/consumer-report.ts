/**
 * Reads the line of JSON bench/java/BenchConsumer.java prints and turns it into
 * the DriverReport the harness reads from every consumer driver. Its own
 * module (the driver runs at import) so test/bench can check it.
 */
import type { DriverReport } from '../../lib/job.js'
import { parseResultLine } from './result-line.js'

/** What BenchConsumer prints: counts, and nanoseconds of wall clock and of the JVM's CPU. */
export interface JavaConsumerOutput {
  /** every record received (duplicates included), warm-up included */
  records: number
  distinct: number
  duplicates: number
  gaps: number
  /** records received before the timed window */
  warmupRecords: number
  windowRecords: number
  windowBytes: number
  windowNs: number
  windowCpuNs: number
  /** creating the consumer → its first record */
  joinNs: number
  /** creating the consumer → the count-th distinct record, and the JVM's CPU over it */
  fromCreateNs: number
  fromCreateCpuNs: number
}

const FIELDS: (keyof JavaConsumerOutput)[] = ['records', 'distinct', 'duplicates', 'gaps', 'warmupRecords', 'windowRecords', 'windowBytes',
  'windowNs', 'windowCpuNs', 'joinNs', 'fromCreateNs', 'fromCreateCpuNs']

/** The last line of stdout that is BenchConsumer's JSON; throws on anything else. */
export function parseJavaConsumer (stdout: string): JavaConsumerOutput {
  const { value: o, line } = parseResultLine<JavaConsumerOutput>(stdout, 'BenchConsumer', FIELDS)
  if (!(o.windowRecords > 0) || !(o.windowNs > 0)) throw new Error(`BenchConsumer timed no records: ${line}`)
  return o
}

/**
 * The DriverReport of one BenchConsumer run: msgs/s over the window after the
 * warm-up share; cpuUs as the Node consumers count it (the JVM's CPU from
 * creating the consumer to the count-th record, per record received, charged
 * pro rata to the window's records so that cpuUs / records is that figure);
 * windowCpuUs the JVM's CPU inside the timed window; rssMb and jvmCpuUs (the
 * whole JVM, start-up included) from GNU time.
 */
export function javaConsumerReport (o: JavaConsumerOutput, rssMb: number, jvmCpuUs: number): DriverReport {
  return {
    records: o.windowRecords,
    bytes: o.windowBytes,
    elapsedMs: o.windowNs / 1e6,
    cpuUs: Math.round(o.fromCreateCpuNs / 1000 * o.windowRecords / o.records),
    windowCpuUs: Math.round(o.windowCpuNs / 1000),
    rssMb,
    joinMs: o.joinNs / 1e6,
    fromCreateMs: o.fromCreateNs / 1e6,
    fromCreateRecords: o.records,
    distinct: o.distinct,
    duplicates: o.duplicates,
    gaps: o.gaps,
    warmupRecords: o.warmupRecords,
    note: `BenchConsumer (KafkaConsumer poll loop), timed after ${o.warmupRecords} warm-up records in the same JVM; ` +
      `CPU read inside the JVM (the whole JVM used ${(jvmCpuUs / 1e6).toFixed(2)} s)`
  }
}
