/**
 * Reads the line of JSON bench/java/BenchProducer.java prints and turns it into
 * the DriverReport the harness reads from every producer driver. Its own
 * module (the driver runs at import) so test/bench can check it.
 */
import type { DriverReport } from '../../lib/job.js'
import { parseResultLine } from './result-line.js'

/** What BenchProducer prints: counts, and nanoseconds of wall clock and of the JVM's CPU over the timed window. */
export interface JavaProducerOutput {
  /** records acknowledged in the timed window */
  records: number
  /** their value bytes */
  bytes: number
  /** records sent and flushed before the window (the JIT's warm-up) */
  warmupRecords: number
  /** first timed send → last acknowledgement */
  windowNs: number
  /** the JVM's CPU (all threads) from the first timed send until every timed record is acknowledged */
  windowCpuNs: number
}

const FIELDS: (keyof JavaProducerOutput)[] = ['records', 'bytes', 'warmupRecords', 'windowNs', 'windowCpuNs']

/** The last line of stdout that is BenchProducer's JSON; throws on anything else. */
export function parseJavaProducer (stdout: string): JavaProducerOutput {
  const { value: o, line } = parseResultLine<JavaProducerOutput>(stdout, 'BenchProducer', FIELDS)
  if (!(o.records > 0) || !(o.windowNs > 0)) throw new Error(`BenchProducer timed no records: ${line}`)
  return o
}

/**
 * The DriverReport of one BenchProducer run: msgs/s and CPU over the window
 * after the warm-up, as the Node producers count them (process CPU from the
 * first timed send until every record is acknowledged); rssMb and jvmCpuUs
 * (the whole JVM, start-up and warm-up included) from GNU time.
 */
export function javaProducerReport (o: JavaProducerOutput, rssMb: number, jvmCpuUs: number): DriverReport {
  return {
    records: o.records,
    bytes: o.bytes,
    elapsedMs: o.windowNs / 1e6,
    cpuUs: Math.round(o.windowCpuNs / 1000),
    rssMb,
    warmupRecords: o.warmupRecords,
    note: `BenchProducer (KafkaProducer send with a callback per record), timed after ${o.warmupRecords} warm-up records in the same JVM; ` +
      `CPU read inside the JVM (the whole JVM used ${(jvmCpuUs / 1e6).toFixed(2)} s)`
  }
}
